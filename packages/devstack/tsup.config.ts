import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    miniflare: 'src/miniflare.ts',
    // Forked by the devstack as its own process (src/analytics-engine/start.ts).
    'analytics-engine-process': 'src/analytics-engine/process.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', miniflare: 'src/miniflare.ts' } },
  // chdb is an optional peer: loaded at run time inside the engine process only.
  external: ['chdb'],
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
