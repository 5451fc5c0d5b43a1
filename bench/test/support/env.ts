/** What the fault tests share: the global devstack, sites of their own, Workers, HTTP. */
import { request, type Agent } from 'node:http';
import { inject } from 'vitest';
import pg from 'pg';
import { startIngestMiniflare, type WorkerHandle } from '../../src/ingest-worker.js';
import { uid } from '../../src/beacons.js';

export async function connectDb(url = inject('dbUrl')): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: url });
  db.on('error', () => undefined);
  await db.connect();
  return db;
}

/** A fresh site (so counts start at zero), allowed from https://example.com. */
export async function createSite(db: pg.Client, prefix = 'fault'): Promise<string> {
  const id = uid(prefix);
  await db.query(
    `insert into public.sites (id, name, domains, public_live, timezone, store_raw)
     values ($1, 'Fault test', '{example.com}', true, 'Europe/Berlin', true)`,
    [id],
  );
  return id;
}

export function startWorker(
  options: { vars?: Record<string, string>; persistDir?: string; supabaseUrl?: string } = {},
): Promise<WorkerHandle> {
  return startIngestMiniflare({
    supabaseUrl: options.supabaseUrl ?? inject('stackUrl'),
    keys: inject('workerKeys'),
    buildDir: inject('buildDir'),
    ...(options.vars ? { vars: options.vars } : {}),
    ...(options.persistDir ? { persistDir: options.persistDir } : {}),
  });
}

export interface SiteLiveStats {
  visitorsNow: number;
  accepted: number;
  duplicates: number;
  bots: number;
  pendingEvents: number;
  outboxBatches: number;
  outboxEvents: number;
  flushes: number;
  flushFailures: number;
  /** What the database refused for its content (apps/ingest dead-letter store). */
  deadLetter: { events: number; entries: number; reasons: Record<string, unknown> };
}

/** The SiteLive object's own counters, through Miniflare's binding proxy. */
export async function siteStats(worker: WorkerHandle, site: string): Promise<SiteLiveStats> {
  const ns = (await worker.mf.getDurableObjectNamespace('SITE_LIVE_DO')) as unknown as {
    idFromName(name: string): unknown;
    get(id: unknown): { stats(): Promise<SiteLiveStats> };
  };
  const stub = ns.get(ns.idFromName(`site:${site}`));
  // A plain copy: the value crosses from workerd through a proxy.
  return JSON.parse(JSON.stringify(await stub.stats())) as SiteLiveStats;
}

export async function rowCounts(db: pg.Client, site: string) {
  const { rows } = await db.query<{
    events: string;
    sessions: string;
    visitors: string;
    rollups: string;
  }>(
    `select (select count(*) from public.events where site_id = $1) as events,
            (select count(*) from public.sessions where site_id = $1) as sessions,
            (select count(*) from public.visitors where site_id = $1) as visitors,
            (select count(*) from public.rollups where site_id = $1) as rollups`,
    [site],
  );
  const r = rows[0]!;
  return {
    events: Number(r.events),
    sessions: Number(r.sessions),
    visitors: Number(r.visitors),
    rollups: Number(r.rollups),
  };
}

export interface Sent {
  status: number;
  error?: string;
}

/** POSTs raw bytes with raw headers (node:http, so malformed bodies stay malformed). */
export function send(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  agent?: Agent,
  method = 'POST',
): Promise<Sent> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e) => resolve({ status: 0, error: String(e) }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, error: String(e) }));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** Runs `jobs` with at most `concurrency` in flight. */
export async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** Resident memory of a process in MB (Linux). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** workerd processes that are children of this process (the Workers this file started). */
export async function workerdPids(): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = (await readFile(`/proc/${entry}/stat`, 'utf8')).trim();
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? [];
      const ppid = Number(rest?.split(' ')[1]);
      if (comm?.startsWith('workerd') && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}
