import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/live.ts',
    'src/dimensions.ts',
    'src/conversions.ts',
    'src/json-schema.ts',
    'src/value-score/index.ts',
  ],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
