import { defineConfig, type Options } from 'tsup';

/** Terser squeezes the script tag about 5 % below esbuild's minifier; every byte is budgeted. */
const terserOptions = {
  ecma: 2020,
  // Not `toplevel`: the IIFE's body is mangled and inlined anyway, and with it terser may unwrap
  // the IIFE into top-level `var`s, which in a classic script are globals of the host page.
  toplevel: false,
  compress: {
    passes: 3,
    // Drop unused parameters (the core build never reads some the full build does).
    keep_fargs: false,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_methods: true,
    pure_getters: true,
  },
  format: { comments: false },
} as const;

/** The build-time flags of src/flags.d.ts: full or core build, script tag or ESM. */
const flags = (full: boolean, script: boolean) => ({
  SIGHTLINE_FULL: String(full),
  SIGHTLINE_SCRIPT: String(script),
});

/**
 * An ESM build for bundlers: readable (not mangled) with types. The flag's dead branches are
 * dropped here (`minifySyntax`), so the core entry ships none of the full build's code even to
 * a bundler that does not fold constants; the application's bundler minifies the rest.
 */
const esm = (name: string, full: boolean): Options => ({
  entry: { [name]: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  target: 'es2020',
  platform: 'browser',
  define: flags(full, false),
  esbuildOptions(options) {
    options.minifySyntax = true;
  },
});

/**
 * A script-tag build: one self-contained, minified classic script (no module, no globals but
 * `window.sightline`).
 */
const scriptTag = (name: string, full: boolean, entry = 'src/script.ts'): Options => ({
  entry: { [name]: entry },
  format: ['iife'],
  outExtension: () => ({ js: '.js' }),
  minify: 'terser',
  terserOptions,
  target: 'es2020',
  platform: 'browser',
  define: flags(full, true),
  // A classic script needs no "use strict" prologue: the code is written strict-clean.
  esbuildOptions(options) {
    delete options.tsconfig;
    options.tsconfigRaw = { compilerOptions: { alwaysStrict: false } };
  },
});

export default defineConfig([
  esm('index', false),
  esm('full', true),
  scriptTag('sightline', true),
  scriptTag('sightline.core', false),
  scriptTag('sightline.vitals', true, 'src/vitals-script.ts'),
]);
