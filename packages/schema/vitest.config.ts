import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A hang guard, not a speed target: the property tests (1,500 runs) take ~1 s alone and
    // several times that on a loaded 2-core CI machine, past vitest's default of 5 s.
    testTimeout: 60_000,
    typecheck: { enabled: true, include: ['test/types.test.ts'] },
  },
});
