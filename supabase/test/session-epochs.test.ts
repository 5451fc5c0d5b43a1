// A session whose running totals start again from 0: the Worker lost its state (SiteLive
// sweeps sessions silent for a day, so a tab restored the next day comes back as a fresh state
// with a later start; a session moved to another live shard does the same). Its activity must be
// added to the stored totals, not swallowed by GREATEST, and repeated or stale states of any
// epoch must still change nothing.
import type { IngestBatch, IngestBatchResult, IngestSession } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { rpc } from './support/rpc.js';

const SITE = 'epochs';
const T0 = Date.parse('2026-05-04T09:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: SITE, timezone: 'UTC' });
});
afterAll(async () => {
  await t?.stop();
});

/** A state of session `s1`, begun at `startedAt`, with these running totals. */
function state(
  startedAt: number,
  minutes: number,
  totals: { pageviews: number; engaged_ms: number; interactions: number; max_scroll: number },
): IngestSession {
  return {
    site_id: SITE,
    session_id: 's1',
    visitor_id: 'v1',
    started_at: iso(startedAt),
    last_seen: iso(startedAt + minutes * MINUTE),
    entry_path: '/',
    exit_path: `/p${totals.pageviews}`,
    ...totals,
    referrer_host: '',
    referrer_class: 'direct',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    returning: false,
    country: 'DE',
    region: 'BE',
    city: 'Berlin',
    latitude: 52.5,
    longitude: 13.4,
    device: 'desktop',
    browser: 'Firefox',
    os: 'Linux',
  };
}

const flush = (batchId: string, session: IngestSession): Promise<IngestBatchResult> =>
  rpc<IngestBatchResult>(t.service, 'ingest_batch', {
    payload: {
      batch_id: batchId,
      store_raw: false,
      sessions: [session],
      visitors: [],
      events: [],
    } satisfies IngestBatch,
  });

/** The session's counters, its visitor's, and the page views the rollups hold. */
async function counts() {
  const { rows } = await t.db.query<Record<string, string>>(
    `select s.pageviews, s.engaged_ms, s.interactions, s.max_scroll, s.exit_path,
       v.sessions as visitor_sessions, v.pageviews as visitor_pageviews,
       v.engaged_ms as visitor_engaged_ms,
       (select sum(r.pageviews) from public.rollups r
        where r.site_id = s.site_id and r.dimension = 'country') as hourly_pageviews,
       (select sum(r.pageviews) from public.daily_rollups r
        where r.site_id = s.site_id and r.dimension = 'country') as daily_pageviews,
       (select sum(r.visits) from public.daily_rollups r
        where r.site_id = s.site_id and r.dimension = 'country') as daily_visits
     from public.sessions s join public.visitors v using (site_id, visitor_id)
     where s.site_id = $1 and s.session_id = 's1'`,
    [SITE],
  );
  return Object.fromEntries(
    Object.entries(rows[0]!).map(([k, v]) => [k, k === 'exit_path' ? v : Number(v)]),
  );
}

describe('session epochs', () => {
  it('adds a restarted state to the stored totals; stale and repeated states change nothing', async () => {
    const first = state(T0, 10, {
      pageviews: 3,
      engaged_ms: 60_000,
      interactions: 5,
      max_scroll: 80,
    });
    await flush('e1', first);
    // The next day the tab is restored: the Worker knows nothing of s1 and starts from 0.
    const resumedAt = T0 + DAY + 2 * 60 * MINUTE;
    await flush(
      'e2',
      state(resumedAt, 5, { pageviews: 2, engaged_ms: 30_000, interactions: 1, max_scroll: 40 }),
    );
    const afterRestart = {
      pageviews: 5,
      engaged_ms: 90_000,
      interactions: 6,
      max_scroll: 80,
      exit_path: '/p2',
      visitor_sessions: 1,
      visitor_pageviews: 5,
      visitor_engaged_ms: 90_000,
      hourly_pageviews: 5,
      daily_pageviews: 5,
      daily_visits: 1,
    };
    expect(await counts()).toEqual(afterRestart);

    // The same epoch goes on: its running totals grow from where it started.
    await flush(
      'e3',
      state(resumedAt, 9, { pageviews: 4, engaged_ms: 45_000, interactions: 2, max_scroll: 90 }),
    );
    const afterGrowth = {
      ...afterRestart,
      pageviews: 7,
      engaged_ms: 105_000,
      interactions: 7,
      max_scroll: 90,
      exit_path: '/p4',
      visitor_pageviews: 7,
      visitor_engaged_ms: 105_000,
      hourly_pageviews: 7,
      daily_pageviews: 7,
    };
    expect(await counts()).toEqual(afterGrowth);

    // Stale states of either epoch under new batch ids, and a repeated batch id: no change.
    await flush(
      'e2-again',
      state(resumedAt, 5, { pageviews: 2, engaged_ms: 30_000, interactions: 1, max_scroll: 40 }),
    );
    await flush('e1-again', first);
    expect(
      await flush(
        'e3',
        state(resumedAt, 20, { pageviews: 9, engaged_ms: 1, interactions: 9, max_scroll: 9 }),
      ),
    ).toMatchObject({ duplicate: true });
    expect(await counts()).toEqual(afterGrowth);

    // A third epoch adds to all that came before.
    await flush(
      'e4',
      state(resumedAt + 3 * DAY, 1, {
        pageviews: 1,
        engaged_ms: 5_000,
        interactions: 0,
        max_scroll: 10,
      }),
    );
    expect(await counts()).toMatchObject({
      pageviews: 8,
      engaged_ms: 110_000,
      interactions: 7,
      visitor_sessions: 1,
      visitor_pageviews: 8,
      daily_pageviews: 8,
      daily_visits: 1,
    });
  });
});
