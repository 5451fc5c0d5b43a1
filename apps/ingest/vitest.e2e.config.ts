/**
 * End-to-end tests: the Worker in Miniflare against the real devstack (Postgres + PostgREST +
 * Realtime with supabase/migrations), through a fault proxy (test/node/fault-proxy.ts).
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { trackerAsText } from './test/node/vitest-shared.js';

export default defineConfig({
  plugins: [
    trackerAsText,
    cloudflareTest(({ inject }) => ({
      // The named development environment (the top level of wrangler.jsonc is production).
      wrangler: { configPath: './wrangler.jsonc', environment: 'development' },
      miniflare: {
        bindings: {
          SUPABASE_URL: inject('proxyUrl'),
          SUPABASE_SECRET_KEY: inject('secretKey'),
          SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'),
          SIGHTLINE_SIGNING_KEY: inject('signingKey'),
          IP_HASH_SALT: 'e2e-salt',
          EMAIL_API_URL: inject('emailApiUrl'),
          EMAIL_API_KEY: inject('emailApiKey'),
          STORE_RAW_EVENTS: 'true',
        },
      },
    })),
  ],
  test: {
    include: ['test/e2e/**/*.test.ts'],
    // Its own config (vitest.stats.config.ts): the Worker reaches the stack without the proxy.
    exclude: ['test/e2e/stats-api.test.ts'],
    setupFiles: ['./test/support/no-console-error.ts'],
    globalSetup: ['./test/node/e2e-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
