/**
 * The Stats API's end-to-end tests: the Worker in Miniflare against the real devstack and its
 * local Analytics Engine, WITHOUT the fault proxy. The Worker mints passes (API keys) with issuer
 * `${SUPABASE_URL}/auth/v1`, and the devstack's gateway admits only its own issuer, so the Worker
 * must name the stack itself, as it names the project in production.
 */
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { trackerAsText } from './test/node/vitest-shared.js';

export default defineConfig({
  plugins: [
    trackerAsText,
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc', environment: 'development' },
      miniflare: {
        bindings: {
          SUPABASE_URL: inject('stackUrl'),
          SUPABASE_SECRET_KEY: inject('secretKey'),
          SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'),
          SIGHTLINE_SIGNING_KEY: inject('signingKey'),
          IP_HASH_SALT: 'stats-salt',
          ANALYTICS_ENGINE_SQL_URL: inject('analyticsEngineSqlUrl'),
          ANALYTICS_ENGINE_API_TOKEN: inject('analyticsEngineApiToken'),
          // A low per-key limit keeps the 429 test short.
          API_KEY_REQUESTS_PER_MINUTE: '5',
        },
      },
    })),
  ],
  test: {
    include: ['test/e2e/stats-api.test.ts', 'test/e2e/stats-imported.test.ts'],
    setupFiles: ['./test/support/no-console-error.ts'],
    globalSetup: ['./test/node/e2e-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
