import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vitest/config';

const require = createRequire(import.meta.url);

// The Worker declares its secrets as required (wrangler.jsonc); tests pass them as bindings,
// these only keep wrangler's "missing secrets" warning out of the test output.
process.env.SUPABASE_SERVICE_ROLE_KEY ??= 'test-service-role-key';
process.env.IP_HASH_SALT ??= 'test-salt';

/** wrangler imports the tracker bundle as text (a `Text` module rule); under Vite, a file outside
 * the project cannot go through the pool's module fallback, so inline it as a string module. */
const trackerAsText: Plugin = {
  name: 'sightline-tracker-as-text',
  enforce: 'pre',
  resolveId: (source) =>
    source === '@sightline/tracker/sightline.js' ? '\0sightline-tracker' : null,
  load: (id) =>
    id === '\0sightline-tracker'
      ? `export default ${JSON.stringify(readFileSync(require.resolve('@sightline/tracker/sightline.js'), 'utf8'))};`
      : null,
};

export default defineConfig({
  plugins: [
    trackerAsText,
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.jsonc' },
      miniflare: {
        bindings: {
          SUPABASE_URL: inject('recorderUrl'),
          SUPABASE_SERVICE_ROLE_KEY: 'test-service-role-key',
          IP_HASH_SALT: 'test-salt',
          // A 5-second live window keeps the "visitor leaves" tests short.
          LIVE_WINDOW_SECONDS: '5',
          // A low per-source limit keeps the 429 test short.
          RATE_LIMIT_IP_PER_MINUTE: '60',
        },
      },
    })),
  ],
  resolve: {
    // Same zod subset as the deployed bundle (see src/vendor/zod-slim.ts).
    alias: [
      {
        find: /^zod$/,
        replacement: fileURLToPath(new URL('./src/vendor/zod-slim.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/node/global-setup.ts'],
    testTimeout: 20_000,
  },
});
