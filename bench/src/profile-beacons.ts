/**
 * A CPU profile of the ingest Worker answering tracker-shaped beacons (development tool, not a
 * benchmark): the deployable bundle in Miniflare with workerd's inspector open, the Chrome DevTools
 * protocol's sampling profiler running while `trackerTraffic` beacons arrive at a fixed rate; prints
 * the functions with the most self time (the Durable Object's work included: it runs in the same
 * isolate) and writes the .cpuprofile (open it in Chrome DevTools' Performance panel).
 *
 *   pnpm --filter @sightline/bench exec tsx src/profile-beacons.ts [seconds] [out.cpuprofile]
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { beaconHeaders } from './beacons.js';
import { startIngestMiniflare } from './ingest-worker.js';
import { runLoad } from './load.js';
import { startDbStack } from './stack.js';
import { trackerTraffic } from './tracker-beacons.js';
import { UNLIMITED } from './benchmarks/ingest.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function inspector(url: string) {
  const ws = new WebSocket(url);
  let id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString('utf8')) as { id?: number; result?: unknown };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result);
  });
  const opened = new Promise((r) => ws.once('open', r));
  return {
    async send<T>(method: string, params: object = {}): Promise<T> {
      await opened;
      const n = ++id;
      ws.send(JSON.stringify({ id: n, method, params }));
      return new Promise<T>((r) => waiting.set(n, r as (v: unknown) => void));
    },
    close: () => ws.close(),
  };
}

/** Self time per function (ms) over the profile, largest first. */
function selfTimes(p: Profile): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

const seconds = Number(process.argv[2] ?? 10);
const out = process.argv[3];
const stack = await startDbStack();
const port = await freePort();
const worker = await startIngestMiniflare({
  supabaseUrl: stack.devstack.url,
  keys: stack.devstack,
  vars: UNLIMITED,
  inspectorPort: port,
  // A build with readable names: `wrangler deploy --dry-run --outdir DIR --minify=false`.
  ...(process.env.SIGHTLINE_PROFILE_BUILD ? { buildDir: process.env.SIGHTLINE_PROFILE_BUILD } : {}),
});
try {
  const next = trackerTraffic(stack.site);
  const load = (durationMs: number) =>
    runLoad({
      url: `${worker.url}/v1/events`,
      connections: 10,
      durationMs,
      ratePerSecond: 150,
      headers: beaconHeaders(),
      next,
    });
  await load(2_000); // warm: site config, the object, the PostgREST pool, the JIT
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const client = inspector(targets[0]!.webSocketDebuggerUrl);
  await client.send('Profiler.enable');
  await client.send('Profiler.setSamplingInterval', {
    interval: Number(process.env.SIGHTLINE_PROFILE_INTERVAL_US ?? 500),
  });
  await client.send('Profiler.start');
  const r = await load(seconds * 1000);
  const { profile } = await client.send<{ profile: Profile }>('Profiler.stop');
  client.close();
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  const times = selfTimes(profile);
  const idle = times.filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(
    `${r.ok} beacons in ${seconds} s; profiled ${Math.round(total)} ms, busy ${Math.round(total - idle)} ms = ${((total - idle) / r.ok).toFixed(3)} ms/beacon in JS`,
  );
  for (const [k, ms] of times.slice(0, 45))
    console.log(`${(ms / r.ok).toFixed(4).padStart(8)} ms/beacon  ${k}`);
  if (out) await writeFile(out, JSON.stringify(profile));
} finally {
  await worker.stop();
  await stack.stop();
}
