import { defineConfig } from 'vitest/config';

// No network here: stop wrangler trying to fetch a real `request.cf`.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';
// The Worker declares these secrets as required; the test passes them as bindings (see
// src/worker.ts), this only keeps wrangler's "missing secrets" warning out of the output.
process.env.SUPABASE_SECRET_KEY ??= 'set-by-the-test';
process.env.SIGHTLINE_SIGNING_KEY ??= 'set-by-the-test';
process.env.IP_HASH_SALT ??= 'set-by-the-test';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One whole stack (Postgres, PostgREST, Realtime, workerd, Chromium) per file, files in series.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
