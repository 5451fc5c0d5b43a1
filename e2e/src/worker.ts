/**
 * The ingest Worker as `wrangler dev` runs it (workerd through Miniflare, local KV and Durable
 * Objects), started programmatically so the test owns its lifetime.
 */
import { unstable_startWorker } from 'wrangler';
import { fromRoot } from './paths.js';

export interface IngestWorker {
  url: string;
  stop(): Promise<void>;
}

export async function startIngestWorker(options: {
  supabaseUrl: string;
  /** The project's secret key (sb_secret_…). */
  secretKey: string;
  publishableKey: string;
  /** The private JWK the Worker mints passes with (the devstack's `signingKey`). */
  signingKey: object;
  vars?: Record<string, string>;
}): Promise<IngestWorker> {
  const text = (value: string) => ({ type: 'plain_text' as const, value });
  const vars = {
    ENVIRONMENT: 'development',
    STORE_RAW_EVENTS: 'true',
    ...options.vars,
  };
  const worker = await unstable_startWorker({
    config: fromRoot('apps/ingest/wrangler.jsonc'),
    // The named development environment (the top level of wrangler.jsonc is production).
    env: 'development',
    bindings: {
      SUPABASE_URL: text(options.supabaseUrl),
      SUPABASE_PUBLISHABLE_KEY: text(options.publishableKey),
      SUPABASE_SECRET_KEY: { type: 'secret_text', value: options.secretKey },
      SIGHTLINE_SIGNING_KEY: { type: 'secret_text', value: JSON.stringify(options.signingKey) },
      IP_HASH_SALT: { type: 'secret_text', value: 'e2e-salt' },
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, text(v)])),
    },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: false,
      watch: false,
      logLevel: 'warn',
      remote: false,
    },
  });
  await worker.ready;
  const url = (await worker.url).origin;
  return { url, stop: () => worker.dispose() };
}
