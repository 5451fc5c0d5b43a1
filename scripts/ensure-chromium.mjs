#!/usr/bin/env node
// The browser tests drive a real Chromium. A fresh machine has none, and Playwright's own browser
// download does not work on ours, so the test command installs Debian's package when it can
// (root + apt) and otherwise says exactly what to do. CHROMIUM_PATH overrides the lookup.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const onPath = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
  encoding: 'utf8',
}).stdout.trim();
if (candidates.some((p) => p && existsSync(p)) || onPath) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (isRoot && hasApt) {
  process.stderr.write("Installing Debian's chromium for the browser tests (about 30 s)…\n");
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  process.exit(0);
}
process.stderr.write(
  'The browser tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`)\n' +
    'or point CHROMIUM_PATH at a Chromium or Chrome binary, then run `pnpm test` again.\n',
);
process.exit(1);
