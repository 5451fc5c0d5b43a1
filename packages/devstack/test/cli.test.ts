import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'sightline-devstack.js');
let root: string | undefined;

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('start --json prints one JSON line, serves, and stops everything on SIGTERM; reset wipes the data', async () => {
  root = await mkdtemp(join(tmpdir(), 'devstack-cli-'));
  const dataDir = join(root, 'data');
  const child = spawn(process.execPath, [bin, 'start', '--json', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const lines: string[] = [];
  const first = await new Promise<string>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
  });
  const info = JSON.parse(first) as Record<string, string>;
  // The first five are the original fields, unchanged, for scripts written against them.
  expect(Object.keys(info)).toEqual([
    'url',
    'anonKey',
    'serviceRoleKey',
    'jwtSecret',
    'dbUrl',
    'publishableKey',
    'secretKey',
    'authUrl',
    'jwksUrl',
    'inboxUrl',
    'emailApiUrl',
    'emailApiKey',
  ]);
  const response = await fetch(`${info.url}/rest/v1/`, { headers: { apikey: info.anonKey! } });
  expect(response.status).toBe(200);
  const withPublishable = await fetch(`${info.url}/rest/v1/`, {
    headers: { apikey: info.publishableKey! },
  });
  expect(withPublishable.status).toBe(200);
  expect(info.jwksUrl).toBe(`${info.url}/auth/v1/.well-known/jwks.json`);
  expect((await fetch(info.jwksUrl!)).status).toBe(200);
  expect((await fetch(info.inboxUrl!)).status).toBe(200);

  const postmasterPid = Number.parseInt(
    (
      await import('node:fs/promises').then((fs) =>
        fs.readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8'),
      )
    ).split('\n')[0]!,
    10,
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(lines).toHaveLength(1);
  expect(isAlive(postmasterPid)).toBe(false);
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

  const reset = spawn(process.execPath, [bin, 'reset', '--data-dir', dataDir], { stdio: 'ignore' });
  expect(await new Promise((resolve) => reset.on('exit', resolve))).toBe(0);
  expect(existsSync(dataDir)).toBe(false);
});

it('recovers a data dir whose devstack was killed with SIGKILL: the orphans are stopped at the next start', async () => {
  root ??= await mkdtemp(join(tmpdir(), 'devstack-cli-'));
  const dataDir = join(root, 'killed');
  const child = spawn(process.execPath, [bin, 'start', '--json', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) =>
    createInterface({ input: child.stdout }).once('line', () => resolve()),
  );
  const lock = JSON.parse(await readFile(join(dataDir, 'devstack.lock.json'), 'utf8')) as {
    childPids: number[];
  };
  expect(lock.childPids).toHaveLength(2);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  expect(lock.childPids.every(isAlive)).toBe(true);

  const { startDevstack } = await import('../src/index.js');
  const stack = await startDevstack({ dataDir });
  expect(lock.childPids.some(isAlive)).toBe(false);
  await stack.stop();
  expect(existsSync(join(dataDir, 'devstack.lock.json'))).toBe(false);
});

it('stops promptly while a realtime client is still connected', async () => {
  root ??= await mkdtemp(join(tmpdir(), 'devstack-cli-'));
  const { startDevstack } = await import('../src/index.js');
  const { realtimeClient, subscribed } = await import('./realtime-helpers.js');
  const stack = await startDevstack({ dataDir: join(root, 'connected') });
  const client = realtimeClient(stack, '2.0.0');
  await subscribed(client.channel('open'));
  const started = Date.now();
  await stack.stop();
  expect(Date.now() - started).toBeLessThan(10_000);
  await client.disconnect();
});
