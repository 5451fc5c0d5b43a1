/**
 * Stops and restarts the devstack's Postgres server process underneath a running stack (a real
 * outage: PostgREST loses its connections and must reconnect). The devstack exposes no such
 * control, so this uses what the process itself shows: postmaster.pid in the data directory,
 * and the exact command line and user from /proc, to start it again the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { pollUntil } from '@sightline/test-utils';
import { sleep } from './wait.js';

export interface PostgresControl {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the Postgres this module started (if any). */
  dispose(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function postgresControl(dataDir: string, dbUrl: string): Promise<PostgresControl> {
  const pgData = join(dataDir, 'pg');
  const pidOf = async () =>
    Number((await readFile(join(pgData, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const pid = await pidOf();
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const uid = Number(/Uid:\s+(\d+)/.exec(status)?.[1]);
  const gid = Number(/Gid:\s+(\d+)/.exec(status)?.[1]);
  let current = pid;
  let child: ChildProcess | undefined;

  const canConnect = async () => {
    const c = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 1_000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  };

  return {
    async stop() {
      // SIGINT: Postgres' fast shutdown (disconnects clients, removes postmaster.pid).
      process.kill(current, 'SIGINT');
      await pollUntil(() => !alive(current), { timeoutMs: 30_000, what: 'Postgres stopped' });
    },
    async start() {
      child = spawn(argv[0]!, argv.slice(1), {
        uid,
        gid,
        env: { ...process.env, LC_ALL: 'C' },
        stdio: 'ignore',
      });
      await pollUntil(canConnect, { timeoutMs: 30_000, what: 'Postgres accepting connections' });
      current = child.pid!;
      await sleep(200);
    },
    async dispose() {
      if (child?.pid && alive(child.pid)) {
        child.kill('SIGINT');
        await pollUntil(() => !alive(child!.pid!), {
          timeoutMs: 20_000,
          what: 'Postgres stopped',
        }).catch(() => child?.kill('SIGKILL'));
      }
    },
  };
}
