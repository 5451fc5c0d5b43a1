import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit tests (and the size guard), then the Chromium scenarios twice, once
 * against each script-tag build (and its ESM twin): the harness serves the build named by
 * SIGHTLINE_BUILD, and each scenario asserts what that build does.
 */
const browser = (build: 'full' | 'core') => ({
  extends: true as const,
  test: {
    name: `browser-${build}`,
    include: ['test/browser/**/*.test.ts'],
    env: { SIGHTLINE_BUILD: build },
    // Each file starts its own Chromium; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  // The build flag of src/flags.d.ts, for sources imported by unit tests (the full build's).
  define: { SIGHTLINE_FULL: 'true' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
        },
      },
      browser('full'),
      browser('core'),
    ],
  },
});
