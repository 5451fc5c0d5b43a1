/**
 * A Worker under `wrangler dev` (its dev proxy in front of workerd), as `pnpm dev` runs the
 * ingest Worker: for throughput beside Miniflare driven directly. Started in a process group of
 * its own on 127.0.0.1, stopped by that group's id (only what this module started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from './paths.js';
import { pollUntil } from '@sightline/test-utils';

export interface WranglerDev {
  url: string;
  /** The `wrangler` process (its workerd runs below it). */
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @param args - what follows `wrangler dev` (config or script, vars); ip, port, log level and
 *   a temporary persistence directory are added here.
 */
export async function startWranglerDev(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<WranglerDev> {
  const port = await freePort();
  const persist = await mkdtemp(join(tmpdir(), 'sightline-wrangler-'));
  const child: ChildProcess = spawn(
    fromRoot('bench/node_modules/.bin/wrangler'),
    [
      'dev',
      ...args,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warn',
      '--persist-to',
      persist,
      '--show-interactive-dev-session=false',
    ],
    {
      cwd,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        ...env,
      },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${stderr}`);
        return fetch(`${url}/`).then(
          (r) => r.arrayBuffer().then(() => true),
          () => false,
        );
      },
      { timeoutMs: 60_000, what: 'wrangler dev answering' },
    );
  } catch (error) {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
      await exited;
      await rm(persist, { recursive: true, force: true });
    },
  };
}
