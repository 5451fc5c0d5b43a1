import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, type Child } from './child.js';
import { postgresBinaries } from './binaries.js';
import { DevstackError } from './errors.js';
import { processCommand } from './proc.js';
import { ensureTraversable, postgresUser } from './run-as.js';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  password: string;
  log: (line: string) => void;
}

export interface RunningPostgres {
  /** True when this start ran initdb (a cold start). */
  initialised: boolean;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Returns the PID recorded in a postmaster.pid that still belongs to a Postgres on `pgData`, if
 * any. A file naming a dead process, or a PID the system has since given to another program
 * (after a reboot or a container restart), is stale: it is removed, since Postgres itself would
 * refuse to start while the recorded PID is alive.
 */
async function livePostmaster(pgData: string): Promise<number | undefined> {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  const command = Number.isInteger(pid) && pid > 0 ? await processCommand(pid) : '';
  if (command.includes('postgres') && command.includes(pgData)) return pid;
  await rm(pidFile, { force: true });
  return undefined;
}

/**
 * Initialises (first time) and starts a Postgres cluster under `<dataDir>/pg`, listening on
 * 127.0.0.1 only, with no unix socket (so nothing is left in /tmp).
 */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const { dataDir, port, password, log } = options;
  const runAs = postgresUser();
  const binaries = await postgresBinaries(runAs);
  const pgData = join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  if (runAs) await ensureTraversable(dataDir, runAs, log);

  const initialised = !existsSync(join(pgData, 'PG_VERSION'));
  if (initialised) {
    await rm(pgData, { recursive: true, force: true });
    await mkdir(pgData, { recursive: true, mode: 0o700 });
    // initdb reads the superuser password from a file the postgres user can read.
    const pwFile = join(dataDir, '.pwfile');
    await writeFile(pwFile, password + '\n', { mode: 0o600 });
    if (runAs) {
      await chown(pgData, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const initdb = spawnChild(
      'initdb',
      binaries.initdb,
      [
        `--pgdata=${pgData}`,
        '--username=postgres',
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
        // A throwaway dev cluster: skipping the fsync of a fresh data dir saves most of initdb.
        '--no-sync',
      ],
      { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
      log,
    );
    const code = await initdb.exited;
    await rm(pwFile, { force: true });
    if (code !== 0) {
      await rm(pgData, { recursive: true, force: true });
      throw new DevstackError('POSTGRES_INIT_FAILED', `initdb exited with code ${String(code)}`);
    }
  }

  const stalePid = await livePostmaster(pgData);
  if (stalePid !== undefined) {
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `${pgData} is in use by a running Postgres (pid ${stalePid}); stop that devstack first`,
    );
  }

  const child: Child = spawnChild(
    'postgres',
    binaries.postgres,
    [
      '-D',
      pgData,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // Local development data: trade crash durability for speed, as a dev database may.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'lc_messages=C',
      // As on Supabase, so publications behave the same (and logical decoding tools work).
      '-c',
      'wal_level=logical',
    ],
    { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    log,
  );
  try {
    await child.waitForLine(/database system is ready to accept connections/, 30_000);
  } catch (cause) {
    await child.stop('SIGKILL');
    throw new DevstackError('POSTGRES_START_FAILED', 'Postgres did not start', { cause });
  }

  return {
    initialised,
    pid: child.process.pid,
    // SIGINT is Postgres' "fast" shutdown: it disconnects clients and removes postmaster.pid.
    stop: () => child.stop('SIGINT', 15_000),
  };
}
