/**
 * Size guard for every build: the script tags (gzip -9 and brotli of the minified files) under
 * their budgets and ceilings, the npm entry points as an application's bundler would ship them
 * (esbuild tree-shakes, terser minifies, as webpack does), strings that must never ship, and
 * none of the full build's code in the core builds. Run after `pnpm build` (turbo's test task
 * depends on build).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { describe, expect, it } from 'vitest';
import sizeBudgets from '../size-budgets.json' with { type: 'json' };

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const read = (file: string) => readFileSync(dist(file), 'utf8');

export const gzipBytes = (code: string) => gzipSync(code, { level: 9 }).byteLength;
export const brotliBytes = (code: string) =>
  brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).byteLength;

/** The product's budgets for the script tags (gzip -9 bytes): under every peer of each kind. */
export const BUDGETS = sizeBudgets.budgets;

/**
 * Ceilings in bytes: today's sizes with a small margin, so a regression shows at once; they
 * may only go down (README "Size" has the figures). Raised once by 5 and 3 bytes for the
 * presence beat a page sends when shown again, which keeps visitors-now exact at a minute's
 * heartbeat (a quarter of the beacons).
 */
export const CEILINGS = {
  'sightline.core.js': { gzip: 1_590, brotli: 1_440 },
  'sightline.js': { gzip: 2_053, brotli: 1_860 },
  'sightline.vitals.js': { gzip: 410, brotli: 360 },
  /** Every function of the npm entry points, bundled and minified (gzip). */
  '@sightline/tracker': { gzip: 1_620 },
  '@sightline/tracker/full': { gzip: 2_260 },
};

/** An application's bundle of `source` (importing from dist/), minified: its gzip bytes. */
export async function bundled(source: string): Promise<number> {
  const out = await build({
    stdin: { contents: source, resolveDir: dist('.'), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const { code } = await minify(out.outputFiles[0]!.text, {
    module: true,
    compress: { passes: 2 },
  });
  return gzipBytes(code!);
}

/** Every function of an ESM entry, used. */
const everything = (file: string) =>
  `import { init, track, pageview, notFound, optOut, optIn, flush } from './${file}';
  init({ site: 's' }); track('e'); pageview(); notFound(); optOut(); optIn(); flush();`;

/** Never in any build: schema runtime, dynamic code, cookies, leftover debugging. */
const FORBIDDEN = [
  'zod',
  'eval(',
  'new Function',
  'document.cookie',
  'console.',
  'debugger',
  'innerHTML',
  'sourceMappingURL',
  'setTimeout("',
  'fingerprint',
  'canvas',
];

/** Names only the full build's code contains: links, vitals, scroll depth, revenue, 404. */
const FULL_ONLY = [
  'autoOutbound',
  'auxclick',
  'vitals.js',
  'durationThreshold',
  'scrollHeight',
  'currency',
  '404',
];

const SCRIPTS = ['sightline.core.js', 'sightline.js', 'sightline.vitals.js'] as const;

describe('size', () => {
  it.each(SCRIPTS)('%s stays under its ceilings', (file) => {
    const code = read(file);
    expect(gzipBytes(code)).toBeLessThanOrEqual(CEILINGS[file].gzip);
    expect(brotliBytes(code)).toBeLessThanOrEqual(CEILINGS[file].brotli);
  });

  it.each(Object.entries(BUDGETS))('%s is within its budget of %i B gzip', (file, budget) => {
    expect(gzipBytes(read(file))).toBeLessThanOrEqual(budget);
  });

  it('importing only init and track from the package costs no more than the core script', async () => {
    const entry = `import { init, track } from './index.js'; init({ site: 's' }); track('e');`;
    expect(await bundled(entry)).toBeLessThanOrEqual(gzipBytes(read('sightline.core.js')));
  });

  it('every function of each entry point stays under its ceiling', async () => {
    expect(await bundled(everything('index.js'))).toBeLessThanOrEqual(
      CEILINGS['@sightline/tracker'].gzip,
    );
    // The full entry has web vitals inline (the full script tag loads them as a second file).
    expect(await bundled(everything('full.js'))).toBeLessThanOrEqual(
      CEILINGS['@sightline/tracker/full'].gzip,
    );
  });

  it.each([...SCRIPTS, 'index.js', 'full.js'])('%s contains no forbidden string', (file) => {
    const code = read(file);
    for (const needle of FORBIDDEN) expect(code).not.toContain(needle);
  });

  it.each(['sightline.core.js', 'index.js'])(
    'the core build %s has none of the full build',
    (file) => {
      const code = read(file);
      for (const needle of FULL_ONLY) expect(code).not.toContain(needle);
    },
  );

  it.each(SCRIPTS)(
    '%s is a classic script: no import or export, one IIFE (no page globals)',
    (file) => {
      const code = read(file);
      expect(code).not.toMatch(/\bimport\s*[({"'*]|\bexport\s*[{*]/);
      expect(code.startsWith('(()=>{')).toBe(true);
      expect(code.trimEnd().endsWith('})();')).toBe(true);
    },
  );
});
