/**
 * End-to-end tests: the Worker in Miniflare against the real devstack (Postgres + PostgREST +
 * Realtime with supabase/migrations, and its local Analytics Engine), through a fault proxy
 * (test/node/fault-proxy.ts). The Worker names the stack itself as SUPABASE_URL, as it names the
 * project in production (the passes it mints carry that issuer, which the stack's gateway
 * admits), and reaches it through the proxy as a Miniflare outbound service
 * (throughFaultProxy), so the Stats API's tests run in this config too.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { throughFaultProxy, trackerAsText } from './test/node/vitest-shared.js';

export default defineConfig({
  plugins: [
    trackerAsText,
    cloudflareTest(({ inject }) => ({
      // The named development environment (the top level of wrangler.jsonc is production).
      wrangler: { configPath: './wrangler.jsonc', environment: 'development' },
      miniflare: {
        bindings: {
          SUPABASE_URL: inject('stackUrl'),
          SUPABASE_SECRET_KEY: inject('secretKey'),
          SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'),
          SIGHTLINE_SIGNING_KEY: inject('signingKey'),
          IP_HASH_SALT: 'e2e-salt',
          EMAIL_API_URL: inject('emailApiUrl'),
          EMAIL_API_KEY: inject('emailApiKey'),
          STORE_RAW_EVENTS: 'true',
          ANALYTICS_ENGINE_SQL_URL: inject('analyticsEngineSqlUrl'),
          ANALYTICS_ENGINE_API_TOKEN: inject('analyticsEngineApiToken'),
          // A low per-key limit keeps the Stats API's 429 test short.
          API_KEY_REQUESTS_PER_MINUTE: '5',
        },
        outboundService: throughFaultProxy(inject('stackUrl'), inject('proxyUrl')),
      },
    })),
  ],
  test: {
    include: ['test/e2e/**/*.test.ts'],
    setupFiles: ['./test/support/no-console-error.ts'],
    globalSetup: ['./test/node/e2e-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
