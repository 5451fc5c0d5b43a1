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
          // Type tests fail `pnpm test` too, not only `pnpm typecheck`.
          typecheck: {
            enabled: true,
            include: ['test/types.test.ts'],
            tsconfig: 'test/tsconfig.types.json',
          },
          testTimeout: 20_000,
          hookTimeout: 120_000,
        },
      },
      './vitest.workers.config.ts',
    ],
  },
});
