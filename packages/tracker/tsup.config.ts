import { defineConfig } from 'tsup';

/** Terser squeezes the script tag about 5 % below esbuild's minifier; every byte is budgeted. */
const terserOptions = {
  ecma: 2020,
  // Not `toplevel`: the IIFE's body is mangled and inlined anyway, and with it terser may unwrap
  // the IIFE into top-level `var`s, which in a classic script are globals of the host page.
  toplevel: false,
  compress: {
    passes: 3,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_methods: true,
    pure_getters: true,
  },
  format: { comments: false },
} as const;

export default defineConfig([
  {
    // For bundlers: readable ESM with types; the application's bundler minifies it.
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    target: 'es2020',
    platform: 'browser',
  },
  {
    // The script tag: one self-contained, minified classic script (no module, no globals but
    // `window.sightline`).
    entry: { sightline: 'src/script.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    minify: 'terser',
    terserOptions,
    target: 'es2020',
    platform: 'browser',
    // A classic script needs no "use strict" prologue: the code is written strict-clean.
    esbuildOptions(options) {
      delete options.tsconfig;
      options.tsconfigRaw = { compilerOptions: { alwaysStrict: false } };
    },
  },
]);
