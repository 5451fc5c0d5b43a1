import { resolve } from 'node:path';
import pg from 'pg';
import { bootstrapDatabase } from './bootstrap.js';
import { startGateway, type Gateway } from './gateway.js';
import { loadOrCreateSecrets } from './keys.js';
import { claimDataDir, releaseDataDir, writeLock } from './lock.js';
import { defaultSchemasDir, deployDatabase, type AppliedMigration } from './deploy.js';
import { defaultDataDir, defaultMigrationsDir } from './paths.js';
import { freePort } from './ports.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { startPostgrestOnFreePorts } from './postgrest.js';
import { startRealtime, type RealtimeServer } from './realtime/server.js';
import { installRealtimeSql } from './realtime/sql.js';

export interface DevstackOptions {
  /** Where the cluster and the generated keys live. Default: `<repo root>/.sightline/devstack`. */
  dataDir?: string;
  /** `*.sql` files applied in name order, once each. Default: `<repo root>/supabase/migrations` if it exists. */
  migrationsDir?: string;
  /**
   * Re-runnable `*.sql` files (functions, policies, grants) applied after the migrations on
   * every start and every `applyMigrations()`, in path order. Default: the `schemas` folder
   * beside `migrationsDir`, if there is one (`supabase/schemas`).
   */
  schemasDir?: string;
  /** Gateway port. Default: a free port. */
  port?: number;
  /** Receives every log line of the stack and its children. Default: discard. */
  log?: (line: string) => void;
}

export interface Devstack {
  /** `http://127.0.0.1:<port>`: /rest/v1 (PostgREST) and /realtime/v1 (Realtime), like a project URL. */
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** Superuser connection string. */
  dbUrl: string;
  /** True when this start created the cluster (cold start). */
  initialised: boolean;
  /**
   * Deploys again, as a start does: the pending migrations of `dir` (default: the start's
   * migrationsDir), then the schema files beside them (default: the start's schemasDir); then
   * reloads PostgREST's schema cache. Returns the migrations it applied.
   */
  applyMigrations(dir?: string): Promise<AppliedMigration[]>;
  /**
   * A new, empty database `name` in the same cluster, bootstrapped like the main one (API
   * roles, `auth` helpers, `realtime` schema, `supabase_realtime` publication; no migrations):
   * for comparing deploys side by side. Returns its superuser connection string. PostgREST and
   * Realtime keep serving the main database only.
   */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops and restarts the Realtime server (not the database): connected clients are dropped
   * with a non-clean close, reconnect by themselves and rejoin their channels.
   */
  restartRealtime(): Promise<void>;
  /** Stops every child and server; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts embedded Postgres, the real PostgREST and the gateway, bootstraps the database like a
 * Supabase project and applies migrations.
 *
 * @example
 * const stack = await startDevstack({ dataDir: await mkdtemp(join(tmpdir(), 'stack-')) });
 * const db = new PostgrestClient(`${stack.url}/rest/v1`, { headers: { apikey: stack.anonKey } });
 * await stack.stop();
 */
export async function startDevstack(options: DevstackOptions = {}): Promise<Devstack> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const schemasDir = options.schemasDir ?? defaultSchemasDir(migrationsDir);
  const secrets = await loadOrCreateSecrets(dataDir);
  await claimDataDir(dataDir, log);
  // PostgREST's and the gateway's ports are picked when they start: a port picked now could be
  // taken by the time Postgres is up and migrated.
  const dbPort = await freePort();
  const dbUrl = `postgres://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${dbPort}/postgres`;

  const cleanups: (() => Promise<void>)[] = [() => releaseDataDir(dataDir)];
  const stopAll = async (): Promise<void> => {
    // Reverse start order: clients and servers first, Postgres last.
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) =>
        log(`stop: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  };

  try {
    const postgres: RunningPostgres = await startPostgres({
      dataDir,
      port: dbPort,
      password: secrets.postgresPassword,
      log,
    });
    cleanups.push(() => postgres.stop());
    await writeLock(dataDir, [postgres.pid]);

    const admin = new pg.Client({ connectionString: dbUrl });
    admin.on('error', (error) => log(`admin connection: ${error.message}`));
    await admin.connect();
    cleanups.push(() => admin.end());
    await bootstrapDatabase(admin, secrets.authenticatorPassword);
    await installRealtimeSql(admin);
    if (migrationsDir || schemasDir) await deployDatabase(admin, { migrationsDir, schemasDir });

    const postgrest = await startPostgrestOnFreePorts({
      dbPort,
      authenticatorPassword: secrets.authenticatorPassword,
      jwtSecret: secrets.jwtSecret,
      log,
    });
    cleanups.push(() => postgrest.stop());
    await writeLock(dataDir, [postgres.pid, postgrest.pid]);

    const apiKeys = [secrets.anonKey, secrets.serviceRoleKey];
    const realtimeOptions = { dbUrl, jwtSecret: secrets.jwtSecret, apiKeys, log };
    let realtime: RealtimeServer | undefined = await startRealtime(realtimeOptions);
    cleanups.push(async () => {
      const current = realtime;
      realtime = undefined;
      await current?.stop();
    });

    const gatewayPort = options.port ?? (await freePort());
    const gateway: Gateway = await startGateway({
      port: gatewayPort,
      postgrestPort: postgrest.port,
      apiKeys: () => apiKeys,
      realtimeHttp: (req, res, path) => {
        if (realtime) realtime.handleHttp(req, res, path);
        else
          res
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"error":"Realtime is restarting"}');
      },
      realtimeUpgrade: (req, socket, head, path) => {
        if (realtime) realtime.handleUpgrade(req, socket, head, path);
        else
          socket.end(
            'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n',
          );
      },
    });
    cleanups.push(async () => {
      // Realtime first, so websockets get its 1012 close rather than a cut connection.
      const current = realtime;
      realtime = undefined;
      await current?.stop();
      await gateway.close();
    });

    let migrating = Promise.resolve<AppliedMigration[]>([]);
    const url = `http://127.0.0.1:${gatewayPort}`;
    log(`devstack ready at ${url} (postgres ${dbPort}, postgrest ${postgrest.port})`);
    return {
      url,
      anonKey: secrets.anonKey,
      serviceRoleKey: secrets.serviceRoleKey,
      jwtSecret: secrets.jwtSecret,
      dbUrl,
      initialised: postgres.initialised,
      applyMigrations(dir) {
        const target = dir ?? migrationsDir;
        const schemas = dir ? defaultSchemasDir(dir) : schemasDir;
        // One deploy at a time on the shared admin connection.
        migrating = migrating
          .catch(() => [])
          .then(async () => {
            const { migrations: applied } = await deployDatabase(admin, {
              migrationsDir: target,
              schemasDir: schemas,
            });
            // Tables added to supabase_realtime get capture triggers from the event trigger; this
            // also covers publications changed while the event trigger was absent.
            await admin.query('select sightline_realtime.sync_triggers()');
            await postgrest.reloadSchema(async () => {
              await admin.query(`notify pgrst, 'reload schema'`);
            });
            return applied;
          });
        return migrating;
      },
      async createDatabase(name) {
        await admin.query(`create database ${admin.escapeIdentifier(name)}`);
        const url = dbUrl.replace(/\/postgres$/, `/${encodeURIComponent(name)}`);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await bootstrapDatabase(client);
          await installRealtimeSql(client);
        } finally {
          await client.end();
        }
        return url;
      },
      async restartRealtime() {
        const current = realtime;
        realtime = undefined;
        await current?.stop();
        realtime = await startRealtime(realtimeOptions);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
