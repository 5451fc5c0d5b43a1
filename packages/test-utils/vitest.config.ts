import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The RPC and token tests start a devstack (Postgres, PostgREST, Auth).
    hookTimeout: 120_000,
  },
});
