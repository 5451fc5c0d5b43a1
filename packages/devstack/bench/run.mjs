// Benchmarks the whole local stack: cold start (first init of a data dir), warm start, and the
// latency from an INSERT to the postgres_changes message a realtime-js client receives.
// Writes bench/results/devstack/devstack.json at the repo root. Run: pnpm --filter @sightline/devstack bench
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { RealtimeClient } from '@supabase/realtime-js';
import { percentile } from '@sightline/test-utils';
import pg from 'pg';
import WebSocket from 'ws';
import { startDevstack } from '../dist/index.js';

const CHANGES = Number(process.env.DEVSTACK_BENCH_CHANGES ?? 1000);
const WARM_RUNS = 5;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const MIGRATION = `
create table public.live_events (id bigserial primary key, site_id bigint not null, sent_at double precision not null, path text);
alter table public.live_events enable row level security;
create policy "by claim" on public.live_events for select to authenticated
  using (site_id in (select jsonb_array_elements_text(auth.jwt() -> 'site_ids')::bigint));
alter publication supabase_realtime add table public.live_events;
`;

const round = (value) => Math.round(value * 100) / 100;

async function timedStart(options) {
  const started = performance.now();
  const stack = await startDevstack(options);
  return { stack, ms: performance.now() - started };
}

async function measureLatency(stack) {
  // HS256 with the legacy secret, as the published figures were measured (and as dashboard
  // tokens from `sightline token` are signed).
  const token = await stack.signToken(
    { role: 'authenticated', site_ids: [1] },
    { algorithm: 'HS256' },
  );
  const client = new RealtimeClient(`${stack.url}/realtime/v1`, {
    params: { apikey: stack.anonKey },
    transport: WebSocket,
    vsn: '2.0.0',
  });
  await client.setAuth(token);
  const waiting = new Map();
  // A message can arrive before the INSERT's own reply has been processed: keep early arrivals.
  const arrived = new Map();
  const channel = client
    .channel('bench')
    .on(
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'live_events', filter: 'site_id=eq.1' },
      (change) => {
        const at = performance.now();
        const resolve = waiting.get(Number(change.new.id));
        if (resolve) resolve(at);
        else arrived.set(Number(change.new.id), at);
      },
    );
  await new Promise((resolve, reject) =>
    channel.subscribe((status, error) =>
      status === 'SUBSCRIBED' ? resolve() : reject(error ?? new Error(status)),
    ),
  );
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  const latencies = [];
  // Sequential: each INSERT (its own transaction) waits for its message, so this is latency
  // without queueing. Measured from just before the INSERT is sent, so it includes the INSERT's
  // own round trip: an upper bound on commit → delivery.
  for (let i = 0; i < CHANGES + 20; i++) {
    const sent = performance.now();
    const { rows } = await db.query(
      'insert into public.live_events (site_id, sent_at, path) values (1, $1, $2) returning id',
      [sent, `/p/${i}`],
    );
    const id = Number(rows[0].id);
    const received =
      arrived.get(id) ??
      (await new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`change ${id} not received within 5 s`)),
          5000,
        );
        waiting.set(id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      }));
    waiting.delete(id);
    arrived.delete(id);
    if (i >= 20) latencies.push(received - sent); // the first 20 warm the caches
  }
  await db.end();
  const sequential = summarise(latencies);

  // Burst: the same number of rows written by ONE statement (one transaction), as an ingest
  // flush writes them: all changes are NOTIFYed at commit and fan out together. Latencies are
  // from just before the statement was sent, so they include the statement itself.
  const writer = new pg.Client({ connectionString: stack.dbUrl });
  await writer.connect();
  const burstStart = performance.now();
  const { rows: burstRows } = await writer.query(
    `insert into public.live_events (site_id, sent_at, path) select 1, $1, '/b/' || n from generate_series(1, ${CHANGES}) n returning id`,
    [burstStart],
  );
  const committed = performance.now();
  await writer.end();
  const ids = burstRows.map((row) => Number(row.id));
  const deadline = performance.now() + 10_000;
  while (ids.some((id) => !arrived.has(id)) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const burst = ids.filter((id) => arrived.has(id)).map((id) => arrived.get(id) - burstStart);
  const lastArrival = Math.max(...ids.map((id) => arrived.get(id) ?? 0));
  await client.disconnect();
  return {
    sequential,
    burst: {
      ...summarise(burst),
      lost: CHANGES - burst.length,
      statementMs: round(committed - burstStart),
      lastDeliveredAfterMs: round(lastArrival - burstStart),
      changesPerSecondAfterCommit: Math.round(CHANGES / ((lastArrival - committed) / 1000)),
    },
  };
}

function summarise(latencies) {
  latencies.sort((a, b) => a - b);
  return {
    changes: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1]),
  };
}

async function main() {
  const root = await mkdtemp(join(tmpdir(), 'devstack-bench-'));
  const dataDir = join(root, 'data');
  const migrationsDir = join(root, 'migrations');
  await mkdir(migrationsDir);
  await writeFile(join(migrationsDir, '20240101000000_bench.sql'), MIGRATION);
  try {
    const cold = await timedStart({ dataDir, migrationsDir });
    await cold.stack.stop();
    const warm = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const run = await timedStart({ dataDir, migrationsDir });
      warm.push(run.ms);
      if (i < WARM_RUNS - 1) await run.stack.stop();
      else {
        const latency = await measureLatency(run.stack);
        await run.stack.stop();
        warm.sort((a, b) => a - b);
        const result = {
          benchmark: 'devstack',
          date: new Date().toISOString(),
          machine: {
            loadAverage1m: round(loadavg()[0]),
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model,
            node: process.version,
            platform: `${process.platform}-${process.arch}`,
          },
          coldStartMs: round(cold.ms),
          warmStartMs: {
            runs: warm.map(round),
            median: round(percentile(warm, 50)),
            max: round(warm[warm.length - 1]),
          },
          insertToPostgresChanges: {
            ...latency.sequential,
            burst: latency.burst,
            path: 'pg INSERT → trigger NOTIFY → RLS check as the subscriber → realtime-js (vsn 2.0.0) callback',
          },
          targets: { warmStartMs: 3000, p95Ms: 50 },
          pass: warm[warm.length - 1] < 3000 && latency.sequential.p95Ms < 50,
        };
        const out = join(repoRoot, 'bench', 'results', 'devstack');
        await mkdir(out, { recursive: true });
        await writeFile(join(out, 'devstack.json'), JSON.stringify(result, null, 2) + '\n');
        process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
