import { defineConfig } from 'vitest/config';

// No network here: nothing may try to reach Cloudflare for request.cf or metrics.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One devstack and one Worker build for all files (test/global-setup.ts); each file starts
    // its own Worker. Files in series: they load the same 2 cores.
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
