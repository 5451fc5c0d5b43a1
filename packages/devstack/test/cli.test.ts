import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';

// Each test starts one or two whole stacks (Postgres, PostgREST, Realtime, the Analytics Engine
// process): on a loaded 2-core machine that alone can take most of the default 30 s.
const STACK_TEST_TIMEOUT = 60_000;

const bin = join(import.meta.dirname, '..', 'bin', 'sightline-devstack.js');
let root: string | undefined;

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
}, STACK_TEST_TIMEOUT);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it(
  'start --json prints one JSON line, serves, and stops everything on SIGTERM; reset wipes the data',
  async () => {
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
    const info = JSON.parse(first) as Record<string, string> & {
      analyticsEngine: {
        available: boolean;
        url: string;
        accountId: string;
        apiToken: string;
        sqlUrl: string;
      };
    };
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
      'analyticsEngine',
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
    // The local Analytics Engine, reached with what --json printed.
    const engine = info.analyticsEngine;
    expect(engine).toMatchObject({ available: true, url: info.url });
    expect(engine.accountId).toMatch(/^[0-9a-f]{32}$/);
    expect(engine.sqlUrl).toBe(
      `${info.url}/client/v4/accounts/${engine.accountId}/analytics_engine/sql`,
    );
    const answer = await fetch(engine.sqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.apiToken}` },
      body: "SELECT 'ok' AS status FORMAT JSONEachRow",
    });
    expect(await answer.text()).toBe('{"status":"ok"}\n');

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

    const reset = spawn(process.execPath, [bin, 'reset', '--data-dir', dataDir], {
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => reset.on('exit', resolve))).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  },
  STACK_TEST_TIMEOUT,
);

it(
  'recovers a data dir whose devstack was killed with SIGKILL: the orphans are stopped at the next start',
  async () => {
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
    // Postgres, PostgREST and the Analytics Engine process.
    expect(lock.childPids).toHaveLength(3);
    const [postgresPid, postgrestPid, enginePid] = lock.childPids as [number, number, number];
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect([postgresPid, postgrestPid].every(isAlive)).toBe(true);
    // The engine process notices its devstack is gone (the IPC channel closes) and exits itself.
    await expect.poll(() => isAlive(enginePid), { timeout: 10_000 }).toBe(false);

    const { startDevstack } = await import('../src/index.js');
    const stack = await startDevstack({ dataDir });
    expect(lock.childPids.some(isAlive)).toBe(false);
    await stack.stop();
    expect(existsSync(join(dataDir, 'devstack.lock.json'))).toBe(false);
  },
  STACK_TEST_TIMEOUT,
);

it(
  'stops promptly while a realtime client is still connected',
  async () => {
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
  },
  STACK_TEST_TIMEOUT,
);

it(
  'starts without chdb installed and says that the local Analytics Engine is unavailable',
  async () => {
    // A copy of the built package whose node_modules has every dependency but the optional chdb.
    root ??= await mkdtemp(join(tmpdir(), 'devstack-cli-'));
    const copy = join(root, 'without-chdb');
    const packageDir = join(import.meta.dirname, '..');
    await cp(join(packageDir, 'dist'), join(copy, 'dist'), { recursive: true });
    await cp(join(packageDir, 'bin'), join(copy, 'bin'), { recursive: true });
    await cp(join(packageDir, 'package.json'), join(copy, 'package.json'));
    await mkdir(join(copy, 'node_modules'));
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies)) {
      await mkdir(dirname(join(copy, 'node_modules', name)), { recursive: true });
      await symlink(
        await realpath(join(packageDir, 'node_modules', name)),
        join(copy, 'node_modules', name),
      );
    }
    const child = spawn(
      process.execPath,
      [
        join(copy, 'bin', 'sightline-devstack.js'),
        'start',
        '--json',
        '--data-dir',
        join(root, 'no-chdb-data'),
      ],
      // pnpm's shims put its hoisted packages (chdb among them) on NODE_PATH; a consumer has none.
      { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_PATH: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${stderr}`)));
    });
    const info = JSON.parse(first) as {
      url: string;
      analyticsEngine: { available: boolean; reason: string };
    };
    expect(info.analyticsEngine.available).toBe(false);
    expect(info.analyticsEngine.reason).toMatch(/chdb is not installed/);
    expect(stderr).toMatch(/the local Analytics Engine is unavailable: chdb is not installed/);
    const answer = await fetch(`${info.url}/client/v4/accounts/x/analytics_engine/sql`, {
      method: 'POST',
      body: 'SELECT 1',
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('x-sightline-error-code')).toBe('ANALYTICS_ENGINE_UNAVAILABLE');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  },
  STACK_TEST_TIMEOUT,
);
