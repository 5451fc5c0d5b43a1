/**
 * The ingest Worker in workerd through Miniflare directly, from the bundle `wrangler deploy
 * --dry-run --outdir` produces (src/worker-build.ts): the code that would be deployed, with
 * the bindings of wrangler.jsonc's development environment. Miniflare rather than `wrangler dev`: wrangler's dev proxy and
 * request logging cost a large share of the throughput (see TOOLCHAIN.md), and the tests need to
 * choose where Durable Object storage persists (to restart an object and keep its storage).
 */
import { join } from 'node:path';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { writeCountingEntry } from './operation-counter.js';
import { fromRoot } from './paths.js';
import { sharedIngestBuild } from './worker-build.js';
import { readWranglerConfig } from './wrangler-config.js';

export interface WorkerHandle {
  url: string;
  mf: Miniflare;
  stop(): Promise<void>;
}

/** A request.cf like Cloudflare's, so geo enrichment has something to enrich with offline. */
export const BENCH_CF = {
  country: 'DE',
  region: 'Berlin',
  regionCode: 'BE',
  city: 'Berlin',
  latitude: '52.52',
  longitude: '13.40',
  timezone: 'Europe/Berlin',
  colo: 'FRA',
  asn: 3320,
};

/** The keys a deployed Worker gets as secrets and vars, from the devstack the bench runs on. */
export interface WorkerKeys {
  secretKey: string;
  publishableKey: string;
  /** The project's private signing key (JWK), for the live and share passes. */
  signingKey: object;
}

/** The devstack's keys alone (a devstack is a WorkerKeys too; this copy can cross processes). */
export function workerKeys(devstack: WorkerKeys): WorkerKeys {
  return {
    secretKey: devstack.secretKey,
    publishableKey: devstack.publishableKey,
    signingKey: devstack.signingKey,
  };
}

/** The Worker's bindings for those keys (wrangler secrets and the publishable key's var). */
export function keyBindings(keys: WorkerKeys): Record<string, string> {
  return {
    SUPABASE_SECRET_KEY: keys.secretKey,
    SUPABASE_PUBLISHABLE_KEY: keys.publishableKey,
    SIGHTLINE_SIGNING_KEY: JSON.stringify(keys.signingKey),
  };
}

export interface IngestWorkerOptions {
  supabaseUrl: string;
  keys: WorkerKeys;
  /** Overrides of wrangler.jsonc vars (e.g. rate limits raised for throughput runs). */
  vars?: Record<string, string>;
  /** Directory for Durable Object and KV storage; in memory when absent. */
  persistDir?: string;
  /** A `wrangler deploy --dry-run` output to run; built once per process when absent. */
  buildDir?: string;
  /**
   * Bind EVENTS_AE to this devstack's local Analytics Engine (the devstack's Miniflare plugin, as
   * wrangler.jsonc's development config does); Miniflare's stand-in that stores nothing otherwise.
   */
  analyticsEngine?: { url: string; apiToken: string };
  /**
   * Send the Worker's requests to `supabaseUrl` through this origin instead (a counting proxy),
   * while the Worker keeps `supabaseUrl` as its SUPABASE_URL: tokens keep the issuer both the
   * Worker and the stack's gateway expect.
   */
  supabaseVia?: string;
  /**
   * Run the bundle behind the operation-counting entry (src/operation-counter.ts): its counts at
   * `GET /__bench/operations`, kept outside the Durable Object so an evicted object loses none.
   */
  countOperations?: boolean;
  /** Open workerd's inspector (Chrome DevTools protocol) on this port (profiling). */
  inspectorPort?: number;
}

/** A Miniflare outbound service that sends requests for `from`'s origin to `to`'s instead. */
function reroute(from: string, to: string) {
  const origin = new URL(from).origin;
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.origin === origin) url.href = `${to}${url.pathname}${url.search}`;
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
    return fetch(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: 'manual',
    });
  };
}

export async function startIngestMiniflare(options: IngestWorkerOptions): Promise<WorkerHandle> {
  const config = await readWranglerConfig(fromRoot('apps/ingest/wrangler.jsonc'));
  const persist = options.persistDir ?? false;
  const buildDir = options.buildDir ?? (await sharedIngestBuild()).dir;
  const scriptPath = options.countOperations
    ? await writeCountingEntry(buildDir)
    : join(buildDir, 'index.js');
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    log: new Log(LogLevel.WARN),
    modules: true,
    scriptPath,
    modulesRoot: buildDir,
    // The tracker bundle is imported as text (wrangler.jsonc's "rules"); the bundle's own modules
    // are ES modules (Miniflare takes an imported .js for CommonJS otherwise).
    modulesRules: [
      { type: 'Text', include: ['**/*sightline*.js'] },
      { type: 'ESModule', include: ['**/*.js'] },
    ],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    cf: BENCH_CF,
    bindings: {
      // The named development environment (the top level of wrangler.jsonc is production).
      ...config.env.development.vars,
      SUPABASE_URL: options.supabaseUrl,
      ...keyBindings(options.keys),
      IP_HASH_SALT: 'bench-salt',
      ...options.vars,
    },
    kvNamespaces: ['SITES_KV'],
    durableObjects: { SITE_LIVE_DO: { className: 'SiteLive', useSQLite: true } },
    ...(options.analyticsEngine
      ? {
          unsafeBindings: [
            {
              name: 'EVENTS_AE',
              type: 'analytics_engine_local',
              plugin: {
                package: '@sightline/devstack/miniflare',
                name: 'sightline-analytics-engine',
              },
              options: { dataset: 'sightline_events', ...options.analyticsEngine },
            },
          ],
        }
      : { analyticsEngineDatasets: { EVENTS_AE: { dataset: 'sightline_events' } } }),
    ...(options.supabaseVia
      ? { outboundService: reroute(options.supabaseUrl, options.supabaseVia) }
      : {}),
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    kvPersist: persist && `${persist}/kv`,
    durableObjectsPersist: persist && `${persist}/do`,
  });
  const url = (await mf.ready).origin;
  return { url, mf, stop: () => mf.dispose() };
}
