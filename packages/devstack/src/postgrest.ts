import { spawnChild, type Child } from './child.js';
import { postgrestBinary } from './binaries.js';
import { DevstackError } from './errors.js';
import { freePort } from './ports.js';

export interface PostgrestOptions {
  port: number;
  adminPort: number;
  dbPort: number;
  authenticatorPassword: string;
  /** PostgREST's jwt-secret: here a JWK set (the legacy HS256 secret and the ES256 public key). */
  jwtSecret: string;
  /** Tokens naming an audience must name this one (tokens without `aud` pass, as PostgREST does). */
  jwtAud: string;
  log: (line: string) => void;
}

export interface RunningPostgrest {
  /**
   * Runs `notify` (which must send `NOTIFY pgrst, 'reload schema'`) and resolves once PostgREST
   * has loaded the new schema cache, so a test can query a table right after its migration.
   */
  reloadSchema(notify: () => Promise<void>): Promise<void>;
  pid: number | undefined;
  stop(): Promise<void>;
}

const SCHEMA_LOADED = /Schema cache loaded/;
const EXITED = 'PostgREST exited';

async function waitReady(adminPort: number, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(`http://127.0.0.1:${adminPort}/ready`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(exited ? EXITED : `PostgREST not ready after ${timeoutMs} ms`);
}

/** Starts the real PostgREST binary configured as Supabase configures it. */
export async function startPostgrest(options: PostgrestOptions): Promise<RunningPostgrest> {
  const { log } = options;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PGRST_DB_URI: `postgres://authenticator:${encodeURIComponent(options.authenticatorPassword)}@127.0.0.1:${options.dbPort}/postgres`,
    PGRST_DB_SCHEMAS: 'public',
    PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
    PGRST_DB_ANON_ROLE: 'anon',
    PGRST_DB_CHANNEL_ENABLED: 'true',
    PGRST_DB_CHANNEL: 'pgrst',
    PGRST_DB_MAX_ROWS: '1000',
    PGRST_DB_POOL: '10',
    PGRST_JWT_SECRET: options.jwtSecret,
    PGRST_JWT_AUD: options.jwtAud,
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: String(options.port),
    PGRST_ADMIN_SERVER_PORT: String(options.adminPort),
    PGRST_LOG_LEVEL: 'info',
  };
  const child = spawnChild('postgrest', postgrestBinary(), [], { env }, log);
  const loaded = child.waitForLine(SCHEMA_LOADED, 30_000);
  loaded.catch(() => undefined);
  try {
    await waitReady(options.adminPort, child, 30_000);
    await loaded;
  } catch (cause) {
    await child.stop('SIGKILL');
    throw new DevstackError('POSTGREST_START_FAILED', 'PostgREST did not become ready', { cause });
  }

  let reloads = Promise.resolve();
  return {
    pid: child.process.pid,
    reloadSchema(notify) {
      // Serialise reloads so each waits for the cache load its own NOTIFY caused.
      const run = reloads.then(async () => {
        const next = child.waitForLine(SCHEMA_LOADED, 15_000);
        next.catch(() => undefined);
        await notify();
        try {
          await next;
        } catch (cause) {
          throw new DevstackError(
            'SCHEMA_RELOAD_TIMEOUT',
            'PostgREST did not reload its schema cache',
            { cause },
          );
        }
      });
      reloads = run.catch(() => undefined);
      return run;
    },
    stop: () => child.stop('SIGTERM', 5_000),
  };
}

/**
 * `startPostgrest` on ports picked just before it starts, again on new ones (up to three tries)
 * when it exits at once: a free port picked earlier can be taken meanwhile (by another server,
 * or as the local port of any outbound connection), and PostgREST then fails to bind and exits.
 */
export async function startPostgrestOnFreePorts(
  options: Omit<PostgrestOptions, 'port' | 'adminPort'>,
): Promise<RunningPostgrest & { port: number }> {
  for (let attempt = 1; ; attempt++) {
    const [port, adminPort] = await Promise.all([freePort(), freePort()]);
    try {
      return { ...(await startPostgrest({ ...options, port, adminPort })), port };
    } catch (error) {
      const exited = error instanceof DevstackError && (error.cause as Error)?.message === EXITED;
      if (!exited || attempt === 3) throw error;
      options.log(`postgrest: exited at start on ports ${port}/${adminPort}; trying other ports`);
    }
  }
}
