// Retention per table (0008_privacy_and_retention.sql): apply_retention deletes visitor-level
// rows and the idempotency log past their period, keeps what is younger and every aggregate,
// in bounded slices; only service_role may run it. Until it existed, applied_batches, events,
// sessions, session_pages, session_events, visitor_days and visitors were kept forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { rpc, rpcError } from './support/rpc.js';
import { generateTraffic, toBatches } from './support/traffic.js';

const DAY = 86_400_000;
let t: TestStack;

/** Ingests traffic of one day, `daysAgo` days back, through ingest_batch as the Worker does. */
async function ingestDay(site: string, daysAgo: number, prefix: string): Promise<void> {
  const traffic = generateTraffic({
    siteId: site,
    idPrefix: `${site}-${prefix}`,
    seed: daysAgo + 1,
    startMs: Date.now() - daysAgo * DAY,
    spanMs: 3_600_000,
    visitors: 5,
    sessions: 8,
  });
  for (const batch of toBatches(traffic, 30, prefix))
    await rpc(t.service, 'ingest_batch', { payload: batch });
}

const TABLES = [
  'events',
  'sessions',
  'session_pages',
  'session_events',
  'visitor_days',
  'visitors',
  'rollups',
  'daily_rollups',
] as const;
type Counts = Record<(typeof TABLES)[number] | 'applied_batches', number>;

async function counts(site: string): Promise<Counts> {
  const out = {} as Counts;
  for (const table of TABLES) {
    const { rows } = await t.db.query<{ n: string }>(
      `select count(*) as n from public.${table} where site_id = $1`,
      [site],
    );
    out[table] = Number(rows[0]!.n);
  }
  const { rows } = await t.db.query<{ n: string }>(
    `select count(*) as n from public.applied_batches where batch_id like $1`,
    [`${site}%`],
  );
  out.applied_batches = Number(rows[0]!.n);
  return out;
}

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: 'keep' });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('apply_retention', () => {
  it('is documented per table, and only service_role may run it', async () => {
    const { rows } = await t.db.query<{ table_name: string; keep: string }>(
      `select table_name, keep::text as keep from private.retention order by table_name`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, r.keep]))).toEqual({
      applied_batches: '30 days',
      event_log: '400 days',
      events: '90 days',
      goal_sessions: '400 days',
      goal_visitor_days: '400 days',
      property_visitor_days: '400 days',
      session_events: '400 days',
      session_pages: '400 days',
      sessions: '400 days',
      visitor_days: '400 days',
      visitors: '400 days',
    });
    for (const client of [t.anon, await t.dashboard(['keep'])]) {
      expect((await rpcError(client, 'apply_retention', {})).code).toBe('42501');
    }
  });

  it('deletes rows past their period in bounded slices, keeps younger rows and the aggregates', async () => {
    await ingestDay('keep', 1, 'recent');
    const recent = await counts('keep');
    await ingestDay('keep', 500, 'ancient');
    // The applied_batches row of an old flush is as old as the flush.
    await t.db.query(
      `update public.applied_batches set applied_at = now() - interval '500 days' where batch_id like 'ancient%'`,
    );
    const before = await counts('keep');
    expect(before.events).toBeGreaterThan(recent.events);

    // Slices of 5 rows: `more` until everything past its period is gone.
    let calls = 0;
    let result: Record<string, number | boolean>;
    do {
      result = await rpc(t.service, 'apply_retention', { p_limit: 5 });
      calls++;
    } while (result.more === true && calls < 500);
    expect(calls).toBeGreaterThan(1);
    expect(result.more).toBe(false);

    const after = await counts('keep');
    for (const table of [
      'events',
      'sessions',
      'session_pages',
      'session_events',
      'visitor_days',
      'visitors',
      'applied_batches',
    ] as const)
      expect([table, after[table]]).toEqual([table, recent[table]]);
    // Aggregates carry no visitor: kept whole.
    expect(after.rollups).toBe(before.rollups);
    expect(after.daily_rollups).toBe(before.daily_rollups);
    // A second run finds nothing.
    const again = await rpc<Record<string, number | boolean>>(t.service, 'apply_retention', {});
    expect(Object.values(again).filter((v) => typeof v === 'number' && v > 0)).toEqual([]);
  });

  it('deletes a visitor silent for longer than its period', async () => {
    await t.db.query(
      `update public.visitors set last_seen = now() - interval '401 days' where site_id = 'keep' and visitor_id in (select visitor_id from public.visitors where site_id = 'keep' limit 2)`,
    );
    const before = (await counts('keep')).visitors;
    const result = await rpc<Record<string, number>>(t.service, 'apply_retention', {});
    expect(result.visitors).toBe(2);
    expect((await counts('keep')).visitors).toBe(before - 2);
  });

  it('follows a period an operator changes', async () => {
    const before = (await counts('keep')).events;
    await ingestDay('keep', 3, 'three-days');
    await t.db.query(
      `update private.retention set keep = interval '2 days' where table_name = 'events'`,
    );
    const result = await rpc<Record<string, number>>(t.service, 'apply_retention', {});
    expect(result.events).toBeGreaterThan(0);
    expect((await counts('keep')).events).toBe(before);
  });
});

describe('sites.respect_privacy_signals', () => {
  it('defaults to true (Global Privacy Control and Do Not Track are honoured)', async () => {
    const { rows } = await t.db.query<{ respect_privacy_signals: boolean }>(
      `select respect_privacy_signals from public.sites where id = 'keep'`,
    );
    expect(rows[0]?.respect_privacy_signals).toBe(true);
  });
});
