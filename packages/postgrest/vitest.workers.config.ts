import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// The Workers-runtime project: tests run inside workerd (Miniflare) against the built client,
// reaching a real PostgREST that the global setup starts in Node.
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: '2025-09-01' } })],
  test: {
    name: 'workers',
    include: ['test/worker/**/*.test.ts'],
    globalSetup: ['./test/worker/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
