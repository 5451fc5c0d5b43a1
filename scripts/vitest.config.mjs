import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    // The lifecycle test starts the whole stack three times (about 15-40 s each on 2 cores).
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
