/* global performance, process, Response, console, URL -- Node 20 globals; the shared ESLint config declares none for .mjs */
// Request-building throughput against @supabase/postgrest-js, in one process and one run so
// the ratio is meaningful on a shared machine. Writes bench/results/postgrest/throughput.json
// at the repository root. Run after `pnpm build`: `pnpm bench`.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { PostgrestClient as Reference } from '@supabase/postgrest-js';
import { PostgrestClient as Ours } from '../dist/index.js';

const URL_BASE = 'http://127.0.0.1:54321/rest/v1';
const headers = { apikey: 'anon', Authorization: 'Bearer anon' };
// The no-op fetch answers at once; each call gets a fresh Response (a body reads only once).
const noopFetch = () => Promise.resolve(new Response('[]', { status: 200 }));

const ours = new Ours(URL_BASE, { headers, fetch: noopFetch, retry: false });
const ref = new Reference(URL_BASE, { headers, fetch: noopFetch, retry: false });

/** Scenarios: each builds one request with either client. */
const scenarios = {
  'select eq': (c) => c.from('sites').select('id,name').eq('id', 42),
  'select filters+order+range+count': (c) =>
    c
      .from('rollups_hourly')
      .select('hour, dimension, value, visitors', { count: 'exact' })
      .eq('site_id', 'site_123')
      .gte('hour', '2026-01-01T00:00:00Z')
      .lt('hour', '2026-01-02T00:00:00Z')
      .in('dimension', ['country', 'device', 'referrer, class'])
      .order('hour', { ascending: false })
      .range(0, 99),
  'insert select single': (c) =>
    c
      .from('visitors')
      .insert({ id: 'v1', site_id: 's1', score: 0.5, country: 'CH' })
      .select()
      .single(),
  'upsert batch onConflict': (c) =>
    c.from('visitors').upsert(
      [
        { id: 'v1', site_id: 's1', score: 0.5 },
        { id: 'v2', site_id: 's1', country: 'FR' },
      ],
      { onConflict: 'id', ignoreDuplicates: false },
    ),
  'rpc post': (c) => c.rpc('ingest_batch', { payload: { events: [{ id: 'e1', t: 1 }] } }),
};

// "Build" = chain + materialise what fetch is given: URL string, header object, JSON body.
// Ours: toRequest(). postgrest-js does the same steps inside then() just before fetch (URL
// toString, Headers copied into an object, JSON.stringify of the body); done here by hand.
const build = {
  ours: (s) => s(ours).toRequest(),
  ref: (s) => {
    const b = s(ref);
    const h = {};
    b.headers.forEach((v, k) => (h[k] = v));
    return [b.url.toString(), h, JSON.stringify(b.body)];
  },
};
const call = {
  ours: (s) => s(ours),
  ref: (s) => s(ref),
};

let sink;
async function measure(fn, ms, sync) {
  // Batches of 200 between clock reads keep timer overhead out of the figure; builds are
  // measured synchronously, calls awaited one after the other.
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    if (sync) for (let i = 0; i < 200; i++) sink = fn();
    else for (let i = 0; i < 200; i++) sink = await fn();
    n += 200;
    now = performance.now();
  }
  return (n / (now - start)) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MS = Number(process.env.BENCH_MS ?? 300);
const results = [];
for (const [kind, impl] of [
  ['build', build],
  ['call', call],
]) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    const sync = kind === 'build';
    const run = (which) => () => impl[which](scenario);
    // Warm both up, then alternate rounds so drift on a shared machine hits both alike.
    await measure(run('ours'), 100, sync);
    await measure(run('ref'), 100, sync);
    const o = [];
    const r = [];
    for (let i = 0; i < ROUNDS; i++) {
      o.push(await measure(run('ours'), MS, sync));
      r.push(await measure(run('ref'), MS, sync));
    }
    const row = {
      kind,
      scenario: name,
      oursOpsPerSec: Math.round(median(o)),
      postgrestJsOpsPerSec: Math.round(median(r)),
      ratio: Number((median(o) / median(r)).toFixed(2)),
    };
    results.push(row);
    console.log(
      `${kind.padEnd(5)} ${name.padEnd(34)} ours ${String(row.oursOpsPerSec).padStart(9)}/s  postgrest-js ${String(row.postgrestJsOpsPerSec).padStart(9)}/s  x${row.ratio}`,
    );
  }
}

const geomean = (kind) => {
  const rs = results.filter((r) => r.kind === kind).map((r) => r.ratio);
  return Number(Math.exp(rs.reduce((a, b) => a + Math.log(b), 0) / rs.length).toFixed(2));
};
const summary = { buildRatioGeomean: geomean('build'), callRatioGeomean: geomean('call') };
console.log(summary);
void sink;

const out = new URL('../../../bench/results/postgrest/', import.meta.url);
await mkdir(out, { recursive: true });
await writeFile(
  new URL('throughput.json', out),
  JSON.stringify(
    {
      benchmark: '@sightline/postgrest request building vs @supabase/postgrest-js',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      // An object, not an array: Prettier (root `lint`) would fold a short array onto one line.
      loadavg: Object.fromEntries(
        ['1m', '5m', '15m'].map((k, i) => [k, Number(os.loadavg()[i].toFixed(2))]),
      ),
      rounds: ROUNDS,
      msPerRound: MS,
      method:
        'median ops/s over alternating rounds in one process; build = chain + materialised request (URL string, header object, JSON body; ours via toRequest(), postgrest-js by the same steps its then() runs); call = awaited builder through a no-op fetch returning 200 []',
      summary,
      results,
    },
    null,
    2,
  ) + '\n',
);
