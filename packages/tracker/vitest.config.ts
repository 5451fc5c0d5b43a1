import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Browser scenarios start Chromium once per file; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
  },
});
