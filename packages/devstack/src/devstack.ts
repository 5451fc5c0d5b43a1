import { join, resolve } from 'node:path';
import type { JWK, JWTPayload } from 'jose';
import pg from 'pg';
import {
  analyticsEngineUnavailableReason,
  startAnalyticsEngine,
  type RunningAnalyticsEngine,
} from './analytics-engine/start.js';
import { ApiKeys } from './api-keys.js';
import { authConfig, type AuthOptions } from './auth/config.js';
import { authHandler } from './auth/server.js';
import { bootstrapDatabase } from './bootstrap.js';
import { startGateway, type Gateway } from './gateway.js';
import { inboxHandler } from './inbox/http.js';
import { Inbox } from './inbox/store.js';
import { loadOrCreateSecrets } from './keys.js';
import { claimDataDir, releaseDataDir, writeLock } from './lock.js';
import { defaultSchemasDir, deployDatabase, type AppliedMigration } from './deploy.js';
import { defaultDataDir, defaultMigrationsDir } from './paths.js';
import { freePort } from './ports.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { startPostgrestOnFreePorts } from './postgrest.js';
import { startRealtime, type RealtimeServer } from './realtime/server.js';
import { installRealtimeSql } from './realtime/sql.js';
import { createTokenKeys, postgrestJwks, type SignOptions } from './tokens.js';

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
  /** Auth settings (site URL, redirect URLs, confirmations, lifetimes). */
  auth?: AuthOptions;
  /**
   * Run the local Analytics Engine (needs the optional peer dependency chdb). Default: true
   * when chdb is installed.
   */
  analyticsEngine?: boolean;
}

/**
 * The local Analytics Engine, reached the way Cloudflare's API is:
 * `POST ${url}/client/v4/accounts/${accountId}/analytics_engine/sql` with
 * `Authorization: Bearer ${apiToken}`.
 */
export type DevstackAnalyticsEngine =
  | {
      available: true;
      /** Stands in for `https://api.cloudflare.com`: the gateway's URL. */
      url: string;
      accountId: string;
      apiToken: string;
      /** The SQL API endpoint: `${url}/client/v4/accounts/${accountId}/analytics_engine/sql`. */
      sqlUrl: string;
      /** The local write endpoint of a dataset (a JSON array of data points). */
      writeUrl(dataset: string): string;
    }
  | { available: false; reason: string };

export interface Devstack {
  /** `http://127.0.0.1:<port>`: /rest/v1, /auth/v1, /realtime/v1 like a project URL, and /inbox. */
  url: string;
  /** `sb_publishable_…`: acts as `anon`; for browsers and apps. */
  publishableKey: string;
  /** `sb_secret_…`: acts as `service_role`; refused from browsers. */
  secretKey: string;
  /** Legacy JWT API key (HS256, role `anon`), still accepted. */
  anonKey: string;
  /** Legacy JWT API key (HS256, role `service_role`), still accepted. */
  serviceRoleKey: string;
  /** The legacy shared JWT secret (HS256) the legacy keys are signed with. */
  jwtSecret: string;
  /** `<url>/auth/v1`: the Auth API and the `iss` of user tokens. */
  authUrl: string;
  /** `<url>/auth/v1/.well-known/jwks.json`. */
  jwksUrl: string;
  /** The public JWK set user tokens verify with (one ES256 key, with `kid`). */
  jwks: { keys: JWK[] };
  /**
   * The private ES256 JWK (with `kid`) Auth signs user tokens with: what a project has after
   * importing a signing key of its own (`supabase gen signing-key`) and rotating to it. A
   * service that mints its own tokens (passes, automation tokens) signs with it.
   */
  signingKey: JWK & { kid: string };
  /** `<url>/inbox`: the page listing e-mails; its JSON API is under `<url>/inbox/api/messages`. */
  inboxUrl: string;
  /** Resend-compatible base URL (`POST <emailApiUrl>/emails`) that delivers into the inbox. */
  emailApiUrl: string;
  /** Bearer key for `emailApiUrl`. */
  emailApiKey: string;
  /** PostgREST itself, bypassing the gateway (for tests of what PostgREST alone refuses). */
  postgrestUrl: string;
  /**
   * Signs a token with this stack's keys: ES256 with the Auth signing key (default) or HS256
   * with the legacy secret. For tests and automation; `exp` may be in the past.
   */
  signToken(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** Superuser connection string. */
  dbUrl: string;
  /** True when this start created the cluster (cold start). */
  initialised: boolean;
  /** The local Analytics Engine, or why it is not running. */
  analyticsEngine: DevstackAnalyticsEngine;
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
 * Starts embedded Postgres, the real PostgREST, Auth, Realtime, the local inbox and the gateway,
 * bootstraps the database like a Supabase project and applies migrations.
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

  const unavailable =
    options.analyticsEngine === false
      ? 'disabled (analyticsEngine: false)'
      : analyticsEngineUnavailableReason();
  if (unavailable) log(`devstack: the local Analytics Engine is unavailable: ${unavailable}`);
  // Started beside Postgres (it needs nothing from it), awaited before the gateway.
  const engineStarting: Promise<RunningAnalyticsEngine | undefined> = unavailable
    ? Promise.resolve(undefined)
    : startAnalyticsEngine({
        dir: join(dataDir, 'analytics-engine'),
        accountId: secrets.analyticsEngineAccountId,
        apiToken: secrets.analyticsEngineApiToken,
        log,
      });
  // A failed start surfaces where it is awaited; until then it must not count as unhandled.
  engineStarting.catch(() => undefined);
  // Stopped with the rest if it started, whatever fails meanwhile.
  cleanups.push(async () => (await engineStarting.catch(() => undefined))?.stop());

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
      jwtSecret: postgrestJwks(secrets),
      jwtAud: 'authenticated',
      log,
    });
    cleanups.push(() => postgrest.stop());
    const engine = await engineStarting;
    await writeLock(dataDir, [postgres.pid, postgrest.pid, engine?.pid]);

    const gatewayPort = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${gatewayPort}`;
    const config = authConfig(options.auth ?? {}, url);
    const keys = await createTokenKeys(secrets, config.externalUrl);
    const apiKeys = new ApiKeys(secrets);
    const pool = new pg.Pool({
      connectionString: dbUrl,
      max: 5,
      application_name: 'sightline_auth',
    });
    pool.on('error', (error) => log(`auth pool: ${error.message}`));
    cleanups.push(() => pool.end());
    const inbox = new Inbox(pool);

    const realtimeOptions = { dbUrl, keys, apiKeys: apiKeys.all(), log };
    let realtime: RealtimeServer | undefined = await startRealtime(realtimeOptions);
    cleanups.push(async () => {
      const current = realtime;
      realtime = undefined;
      await current?.stop();
    });

    const gateway: Gateway = await startGateway({
      port: gatewayPort,
      postgrestPort: postgrest.port,
      apiKeys,
      keys,
      auth: authHandler({ db: pool, keys, config, inbox, log }),
      inbox: inboxHandler(inbox, secrets.emailApiKey),
      realtimeHttp: (req, res, path) => {
        if (realtime) realtime.handleHttp(req, res, path);
        else
          res
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"error":"Realtime is restarting"}');
      },
      analyticsEngine: () => engine?.port ?? unavailable ?? 'not running',
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
    const accountId = secrets.analyticsEngineAccountId;
    const analyticsEngine: DevstackAnalyticsEngine = engine
      ? {
          available: true,
          url,
          accountId,
          apiToken: secrets.analyticsEngineApiToken,
          sqlUrl: `${url}/client/v4/accounts/${accountId}/analytics_engine/sql`,
          writeUrl: (dataset) =>
            `${url}/analytics-engine/v1/datasets/${encodeURIComponent(dataset)}/points`,
        }
      : { available: false, reason: unavailable ?? 'not running' };
    log(
      `devstack ready at ${url} (postgres ${dbPort}, postgrest ${postgrest.port}, ` +
        `analytics engine ${engine ? engine.port : 'unavailable'})`,
    );
    return {
      url,
      publishableKey: secrets.publishableKey,
      secretKey: secrets.secretKey,
      anonKey: secrets.anonKey,
      serviceRoleKey: secrets.serviceRoleKey,
      jwtSecret: secrets.jwtSecret,
      authUrl: config.externalUrl,
      jwksUrl: `${config.externalUrl}/.well-known/jwks.json`,
      jwks: keys.jwks,
      signingKey: { ...secrets.signingKey },
      inboxUrl: `${url}/inbox`,
      emailApiUrl: `${url}/inbox/resend`,
      emailApiKey: secrets.emailApiKey,
      postgrestUrl: `http://127.0.0.1:${postgrest.port}`,
      signToken: (claims, signOptions = {}) => keys.sign(claims, signOptions),
      dbUrl,
      initialised: postgres.initialised,
      analyticsEngine,
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
