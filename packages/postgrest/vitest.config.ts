import { defineConfig } from 'vitest/config';

// Two projects: Node (unit, parity, types, size, integration) and the Workers runtime, which
// needs the pool-workers plugin and so its own config.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
