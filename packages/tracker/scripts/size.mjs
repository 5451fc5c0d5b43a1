/* global URL, Buffer, console */
// Measures both builds (minified, gzip -9 and brotli max) against the issue 7 budget and the
// peers it names, prints a table and writes bench/results/tracker/size.json at the repo root.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { minify } from 'terser';

const here = (p) => new URL(p, import.meta.url);
const gzip = (code) => gzipSync(code, { level: 9 }).byteLength;
const brotli = (code) =>
  brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).byteLength;

const script = readFileSync(here('../dist/sightline.js'), 'utf8');
const esm = (
  await minify(readFileSync(here('../dist/index.js'), 'utf8'), {
    module: true,
    compress: { passes: 2 },
  })
).code;

/** Script-tag budget and peer sizes (gzip bytes) as stated in issue 7. */
const BUDGET = 1500;
const PEERS = { plausible: 2670, umami: 2206, counterscale: 1884 };

const builds = {
  'dist/sightline.js (script tag)': script,
  'dist/index.js (ESM, minified by terser)': esm,
};
const rows = Object.entries(builds).map(([name, code]) => ({
  build: name,
  minified: Buffer.byteLength(code),
  gzip: gzip(code),
  brotli: brotli(code),
}));
console.table(rows);
const tag = rows[0].gzip;
console.log(
  `script tag gzip ${tag} B: budget ${BUDGET} B (${tag - BUDGET >= 0 ? '+' : ''}${tag - BUDGET})`,
);
for (const [peer, bytes] of Object.entries(PEERS)) {
  console.log(`  vs ${peer} ${bytes} B: ${tag - bytes >= 0 ? '+' : ''}${tag - bytes}`);
}

const out = here('../../../bench/results/tracker/');
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('size.json', out),
  JSON.stringify(
    { measuredAt: new Date().toISOString(), budget: BUDGET, peers: PEERS, rows },
    null,
    2,
  ) + '\n',
);
