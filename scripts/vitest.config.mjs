import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    // The lifecycle test starts and stops the whole stack three times: about 30 s a start on an
    // idle 2-core machine, several times that while other suites load it.
    testTimeout: 900_000,
    hookTimeout: 60_000,
  },
});
