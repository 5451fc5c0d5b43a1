#!/usr/bin/env node
// Committed shim: the `bin` entry exists before the first build (pnpm links bins at install),
// and `pnpm devstack` works on a fresh clone by building once, with the build's output on
// stderr so that `start --json` still prints exactly one line on stdout.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(packageDir, 'dist', 'cli.js');
if (!existsSync(cli)) {
  const built = spawnSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: ['ignore', 2, 2] });
  if (built.status !== 0 || !existsSync(cli)) {
    process.stderr.write('sightline-devstack: building @sightline/devstack failed\n');
    process.exit(1);
  }
}
await import(pathToFileURL(cli).href);
