/**
 * Unit and integration tests: the Worker and its Durable Object in Miniflare (real KV, DO
 * storage and alarms), Supabase replaced by the recorder in test/node/supabase-recorder.ts.
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
          SUPABASE_URL: inject('recorderUrl'),
          SUPABASE_SECRET_KEY: 'test-secret-key',
          SIGHTLINE_SIGNING_KEY: inject('signingKey'),
          IP_HASH_SALT: 'test-salt',
          // A 5-second live window keeps the "visitor leaves" tests short.
          LIVE_WINDOW_SECONDS: '5',
          // Heartbeat-only pushes wait this long: longer than a loaded machine needs to post a
          // few beacons, so the test that they ride along with the next page view is not a race.
          LIVE_QUIET_PUSH_MS: '3000',
          // A low per-source limit keeps the 429 test short.
          RATE_LIMIT_IP_PER_MINUTE: '60',
          // Sharded live layer (test/live-shards.test.ts): one good entry and bad ones (→ 1).
          LIVE_SHARDS: JSON.stringify({
            'site-sharded-four': 4,
            'site-shards-zero': 0,
            'site-shards-many': 65,
            'site-shards-half': 1.5,
            'site-shards-text': '4',
          }),
        },
      },
    })),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    setupFiles: ['./test/support/no-console-error.ts'],
    globalSetup: ['./test/node/global-setup.ts'],
    testTimeout: 20_000,
  },
});
