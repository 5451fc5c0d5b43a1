/**
 * docs/scaling.md's price model, fed with the cost benchmark's measured rates: what one site
 * with N concurrent visitors costs a month on Cloudflare (Workers, Durable Objects, Analytics
 * Engine) and Supabase (Pro, compute, Realtime messages). Prices as published when written
 * (sources in docs/scaling.md, "Monthly cost"); check them before relying on them.
 */

/** Minutes in the 30-day month the docs price. */
export const MINUTES_PER_MONTH = 43_200;
const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;

export const PRICES = {
  workersBase: 5,
  workerRequestsIncluded: 10e6,
  perMillionWorkerRequests: 0.3,
  cpuMsIncluded: 30e6,
  perMillionCpuMs: 0.02,
  doRequestsIncluded: 1e6,
  perMillionDoRequests: 0.15,
  doGbSecondsIncluded: 400_000,
  perMillionDoGbSeconds: 12.5,
  /** An active object is billed at 128 MB. */
  doGb: 0.125,
  aePointsIncluded: 10e6,
  perMillionAePoints: 0.25,
  supabasePro: 25,
  /** Pro's compute credit: Micro is covered by it. */
  supabaseComputeCredit: 10,
  realtimeMessagesIncluded: 5e6,
  perMillionRealtimeMessages: 2.5,
} as const;

/** Supabase compute add-ons (USD/month, vCPU) from Micro up. */
const COMPUTE: [name: string, vcpu: number, usd: number][] = [
  ['Micro', 2, 10],
  ['Small', 2, 15],
  ['Medium', 2, 60],
  ['Large', 2, 110],
  ['XL', 4, 210],
  ['2XL', 8, 410],
  ['4XL', 16, 960],
  ['8XL', 32, 1_870],
  ['12XL', 48, 2_800],
  ['16XL', 64, 3_730],
];

/** Measured per visitor-minute (the cost benchmark's `perVisitorMinute`). */
export interface Rates {
  beacons: number;
  /** SiteLive calls (the Worker's ingest calls; fewer than beacons when an isolate coalesces). */
  durableObjectCalls: number;
  analyticsEnginePoints: number;
}

export interface CostInputs {
  visitors: number;
  rates: Rates;
  /** SiteLive alarms (flushes, live ticks) per shard and minute: per time, not per visitor. */
  alarmsPerShardMinute: number;
  /** Worker CPU per beacon, ms (the beacon-cpu benchmark). */
  cpuMsPerBeacon: number;
  /** Realtime broadcasts sent per second while watched (0 when nobody watches). */
  broadcastsPerSecond: number;
  /** Dashboards receiving each broadcast (each message is billed once sent, once per receiver). */
  dashboards: number;
}

export interface MonthlyCost {
  lines: { item: string; usd: number; detail: string }[];
  total: number;
}

const over = (used: number, included: number, perMillion: number) =>
  (Math.max(0, used - included) / 1e6) * perMillion;

/** Events per second a SiteLive shard is planned for (docs/scaling.md: 800, 2× headroom). */
const SHARD_EVENTS_PER_SECOND = 800;
/** Postgres absorbs ≥ 1,000 events/s per 2 vCPU (docs/scaling.md). */
const EVENTS_PER_SECOND_PER_VCPU = 500;

export function monthlyCost(c: CostInputs): MonthlyCost {
  const vm = c.visitors * MINUTES_PER_MONTH;
  const beacons = c.rates.beacons * vm;
  const points = c.rates.analyticsEnginePoints * vm;
  const eventsPerSecond = (c.rates.beacons * c.visitors) / 60;
  const shards = shardsFor(c.visitors, c.rates.beacons);
  const doRequests =
    c.rates.durableObjectCalls * vm + c.alarmsPerShardMinute * shards * MINUTES_PER_MONTH;
  const gbSeconds = shards * PRICES.doGb * SECONDS_PER_MONTH;
  const vcpu = eventsPerSecond / EVENTS_PER_SECOND_PER_VCPU;
  const compute = COMPUTE.find(([, n]) => n >= vcpu) ?? COMPUTE[COMPUTE.length - 1]!;
  const messages = c.broadcastsPerSecond * (1 + c.dashboards) * SECONDS_PER_MONTH;
  const m = (n: number) =>
    n < 10e6 ? `${(n / 1e6).toFixed(1)} M` : `${Math.round(n / 1e6).toLocaleString('en-US')} M`;
  const lines = [
    {
      item: 'Workers: base + requests',
      usd:
        PRICES.workersBase +
        over(beacons, PRICES.workerRequestsIncluded, PRICES.perMillionWorkerRequests),
      detail: `${m(beacons)} requests`,
    },
    {
      item: 'Workers: CPU',
      usd: over(beacons * c.cpuMsPerBeacon, PRICES.cpuMsIncluded, PRICES.perMillionCpuMs),
      detail: `${c.cpuMsPerBeacon} ms/beacon`,
    },
    {
      item: 'Durable Objects: requests',
      usd: over(doRequests, PRICES.doRequestsIncluded, PRICES.perMillionDoRequests),
      detail: `${m(doRequests)} requests`,
    },
    {
      item: 'Durable Objects: duration',
      usd: over(gbSeconds, PRICES.doGbSecondsIncluded, PRICES.perMillionDoGbSeconds),
      detail: `${shards} shard${shards > 1 ? 's' : ''} always active`,
    },
    {
      item: 'Analytics Engine writes',
      usd: over(points, PRICES.aePointsIncluded, PRICES.perMillionAePoints),
      detail: `${m(points)} points`,
    },
    {
      item: 'Supabase Pro + compute',
      usd: PRICES.supabasePro + Math.max(0, compute[2] - PRICES.supabaseComputeCredit),
      detail: `${compute[0]} (${compute[1]} vCPU) for ${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s`,
    },
    {
      item: 'Supabase Realtime messages',
      usd: over(messages, PRICES.realtimeMessagesIncluded, PRICES.perMillionRealtimeMessages),
      detail: c.broadcastsPerSecond
        ? `${c.broadcastsPerSecond} broadcasts/s × (1 + ${c.dashboards} dashboard)`
        : 'nothing pushed',
    },
  ];
  return { lines, total: lines.reduce((sum, l) => sum + l.usd, 0) };
}

/**
 * Realtime broadcasts per second of one watched shard at `urgentPerSecond` beacons that change
 * what the screen shows (arrivals, departures, page views, events): the first after a quiet
 * spell is pushed at once, then one push per `windowMs` while they keep coming (a Poisson
 * stream: λ / (1 + λ·window)); heartbeats of present visitors ride along, or push at most once
 * a second on their own; plus a full snapshot every 5 s.
 */
export function broadcastsPerSecond(
  urgentPerSecond: number,
  quietPerSecond: number,
  windowMs = 50,
): number {
  const urgent = urgentPerSecond / (1 + (urgentPerSecond * windowMs) / 1000);
  // Quiet changes push on their own only in the gaps between urgent pushes, at most once a second.
  const quiet = Math.min(quietPerSecond, 1) * Math.exp(-urgentPerSecond);
  return urgent + quiet + 0.2;
}

/** What the cost benchmark measured, as the model needs it. */
export interface MeasuredCost {
  /** Per visitor-minute, nobody watching. */
  rates: Rates;
  alarmsPerShardMinute: number;
  /** Per visitor-minute: beacons that change what the screen shows, and heartbeats that do not. */
  urgentBeacons: number;
  quietBeacons: number;
  cpuMsPerBeacon: number;
}

/** Shards a site of `visitors` needs at the measured beacon rate (2× headroom, 800 events/s each). */
export const shardsFor = (visitors: number, beaconsPerVisitorMinute: number): number =>
  Math.max(
    1,
    Math.ceil((((beaconsPerVisitorMinute * visitors) / 60) * 2) / SHARD_EVENTS_PER_SECOND),
  );

/** Broadcasts per second of a watched site: every shard pushes its own share. */
export function siteBroadcastsPerSecond(m: MeasuredCost, visitors: number): number {
  const shards = shardsFor(visitors, m.rates.beacons);
  const perShard = (perVisitorMinute: number) => (perVisitorMinute * visitors) / 60 / shards;
  return shards * broadcastsPerSecond(perShard(m.urgentBeacons), perShard(m.quietBeacons));
}

const usd = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));

/**
 * The monthly cost table of docs/scaling.md for these visitor counts: nobody watching, and one
 * dashboard open all month (the worst case: Realtime is billed per message while watched).
 */
export function costTable(m: MeasuredCost, visitorCounts: number[]): string {
  const columns = visitorCounts.flatMap((visitors) =>
    [0, 1].map((dashboards) => ({
      head: `${visitors.toLocaleString('en-US')} visitors, ${dashboards ? 'a dashboard open all month' : 'nobody watching'}`,
      cost: monthlyCost({
        visitors,
        rates: m.rates,
        alarmsPerShardMinute: m.alarmsPerShardMinute,
        cpuMsPerBeacon: m.cpuMsPerBeacon,
        broadcastsPerSecond: dashboards
          ? Math.round(siteBroadcastsPerSecond(m, visitors) * 10) / 10
          : 0,
        dashboards,
      }),
    })),
  );
  const rows = [
    `| monthly, USD | ${columns.map((c) => c.head).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...columns[0]!.cost.lines.map(
      (line, i) =>
        `| ${line.item} | ${columns.map((c) => `${usd(c.cost.lines[i]!.usd)} (${c.cost.lines[i]!.detail})`).join(' | ')} |`,
    ),
    `| **total** | ${columns.map((c) => `**≈ ${usd(c.cost.total)}**`).join(' | ')} |`,
  ];
  return rows.join('\n');
}

export const COST_TABLE_BEGIN = '<!-- cost-model:begin (rendered by the cost benchmark) -->';
export const COST_TABLE_END = '<!-- cost-model:end -->';

/** `doc` with the text between the cost-model markers replaced by `table`. */
export function withCostTable(doc: string, table: string): string {
  const begin = doc.indexOf(COST_TABLE_BEGIN);
  const end = doc.indexOf(COST_TABLE_END);
  if (begin < 0 || end < begin) throw new Error('docs/scaling.md has no cost-model markers');
  return `${doc.slice(0, begin + COST_TABLE_BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`;
}
