/* global URL, Buffer, console */
// Measures every build (minified, gzip -9 and brotli max): the script tags against their budgets
// and peers, and the npm entry points as an application bundles them (esbuild tree-shakes,
// terser minifies). Prints a table and writes bench/results/tracker/size.json at the repo root.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';

const here = (p) => new URL(p, import.meta.url);
const dist = fileURLToPath(here('../dist/'));
const gzip = (code) => gzipSync(code, { level: 9 }).byteLength;
const brotli = (code) =>
  brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).byteLength;

/** An application's bundle of `source` (imports from dist/), minified. */
async function bundle(source) {
  const out = await build({
    stdin: { contents: source, resolveDir: dist, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return (await minify(out.outputFiles[0].text, { module: true, compress: { passes: 2 } })).code;
}
const uses = (file, names) =>
  `import { ${names.join(', ')} } from './${file}'; ${names.map((n) => `${n}();`).join(' ')}`;
const ALL = ['init', 'track', 'pageview', 'notFound', 'optOut', 'optIn', 'flush'];

/** Budgets (gzip bytes) and the peers they are set against: size-budgets.json. */
const { budgets, peers: PEERS } = JSON.parse(readFileSync(here('../size-budgets.json'), 'utf8'));
const BUDGETS = Object.fromEntries(Object.entries(budgets).map(([file, b]) => [`dist/${file}`, b]));

const builds = {
  'dist/sightline.core.js': readFileSync(`${dist}sightline.core.js`, 'utf8'),
  'dist/sightline.js': readFileSync(`${dist}sightline.js`, 'utf8'),
  'dist/sightline.vitals.js (data-vitals only)': readFileSync(`${dist}sightline.vitals.js`, 'utf8'),
  '@sightline/tracker: init + track': await bundle(uses('index.js', ['init', 'track'])),
  '@sightline/tracker: every function': await bundle(uses('index.js', ALL)),
  '@sightline/tracker/full: every function': await bundle(uses('full.js', ALL)),
};
const rows = Object.entries(builds).map(([name, code]) => ({
  build: name,
  minified: Buffer.byteLength(code),
  gzip: gzip(code),
  brotli: brotli(code),
  budget: BUDGETS[name] ?? null,
}));
console.table(rows);
for (const { build: name, gzip: bytes, budget } of rows.filter((r) => r.budget)) {
  const vs = Object.entries(PEERS).map(
    ([peer, b]) => `${peer} ${bytes - b >= 0 ? '+' : ''}${bytes - b}`,
  );
  console.log(`${name}: ${bytes} B gzip, budget ${budget} (${bytes - budget}); ${vs.join(', ')}`);
}

const out = here('../../../bench/results/tracker/');
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('size.json', out),
  JSON.stringify(
    { measuredAt: new Date().toISOString(), budgets: BUDGETS, peers: PEERS, rows },
    null,
    2,
  ) + '\n',
);
