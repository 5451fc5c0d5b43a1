/**
 * An outbox wedged by an earlier Worker: its first stored batch holds a row Postgres refuses
 * (U+0000 in a path, which that Worker let through), so every retry failed and the batches
 * behind it never landed. After a restart (a deploy), the object must recover by itself: the
 * good rows of that batch and every later batch land, the refused event is dead-lettered with
 * its reason, and no operator step is needed.
 */
import { runInDurableObject, SELF } from 'cloudflare:test';
import type { IngestBatch, IngestEvent, IngestSession, IngestVisitor } from '@sightline/schema';
import { describe, expect, inject, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { uid } from '../support/helpers.js';
import { createSite, rows } from '../support/e2e-db.js';
import { live, stats } from '../support/site-live.js';

const PLACE = {
  country: 'DE',
  region: 'BE',
  city: 'Berlin',
  latitude: 52.52,
  longitude: 13.4,
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
} as const;
const SOURCE = {
  referrer_host: '',
  referrer_class: 'direct',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
} as const;

/** One visit's rows, in the object form an earlier Worker stored in its outbox. */
function visit(site: string, path: string, at: number) {
  const session_id = uid('ses');
  const visitor_id = uid('vis');
  const iso = new Date(at).toISOString();
  const event: IngestEvent = {
    ...PLACE,
    ...SOURCE,
    id: uid('evt'),
    site_id: site,
    type: 'pageview',
    at: iso,
    session_id,
    visitor_id,
    path,
    name: '',
    props: null,
    engaged_ms: 0,
    scroll: 0,
    interactions: 0,
  };
  const session: IngestSession = {
    ...PLACE,
    ...SOURCE,
    site_id: site,
    session_id,
    visitor_id,
    started_at: iso,
    last_seen: iso,
    entry_path: path,
    exit_path: path,
    pageviews: 1,
    engaged_ms: 0,
    max_scroll: 0,
    interactions: 0,
    returning: false,
  };
  const visitor: IngestVisitor = {
    ...PLACE,
    site_id: site,
    visitor_id,
    first_seen: iso,
    last_seen: iso,
    last_path: path,
    value_score: 10,
    first_referrer_host: '',
    first_referrer_class: 'direct',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
  };
  return { event, session, visitor };
}

function batchOf(visits: ReturnType<typeof visit>[]): IngestBatch {
  return {
    batch_id: crypto.randomUUID(),
    store_raw: true,
    events: visits.map((v) => v.event),
    sessions: visits.map((v) => v.session),
    visitors: visits.map((v) => v.visitor),
  };
}

describe('a SiteLive outbox wedged by an earlier Worker', () => {
  it('recovers after a restart with no manual step: good rows land, the bad one is dead-lettered', async () => {
    const site = await createSite();
    const now = Date.now();
    const poisoned = visit(site, '/a\u0000b', now);
    const first = batchOf([visit(site, '/one', now), poisoned, visit(site, '/two', now)]);
    const later = batchOf([visit(site, '/later', now)]);
    const stub = live(site);
    await stub.stats(); // the object exists
    // The storage an earlier Worker left: two sealed batches, the first one failing for ever,
    // and its retry alarm.
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put('b:000000000002', first);
      await state.storage.put('b:000000000003', later);
      await state.storage.put('site', site);
      await state.storage.put('meta', {
        seq: 3,
        pendingEvents: 0,
        pendingBytes: 0,
        outboxBatches: 2,
        outboxEvents: 4,
        overflowEvents: 0,
        failures: 9,
      });
      await state.storage.setAlarm(Date.now() + 50);
    });
    // A restart, as a deploy does: the next call constructs the object anew from storage.
    await runInDurableObject(stub, (_instance, state) => state.abort('deploy')).catch(
      () => undefined,
    );
    const started = Date.now();
    await pollUntil(
      async () => {
        const landed = await rows<{ path: string }>('session_pages', site, 'path');
        return ['/one', '/two', '/later'].every((p) => landed.some((l) => l.path === p));
      },
      { timeoutMs: 10_000 },
    );
    const recoveredMs = Date.now() - started;
    const s = await stats(site);
    expect(s.deadLetter).toMatchObject({ events: 1, entries: 1, dropped: 0 });
    expect(Object.keys(s.deadLetter.reasons)).toHaveLength(1);
    expect(s.outboxBatches).toBe(0);
    expect(s.outboxEvents).toBe(0);
    const [entry] = await live(site).deadLetters();
    expect(entry).toMatchObject({ events: [poisoned.event.id], sessions: 1, visitors: 1 });
    const stored = (await rows<{ id: string }>('events', site, 'id')).map((e) => e.id);
    expect(stored).toHaveLength(3);
    expect(stored).not.toContain(poisoned.event.id);
    console.info(`poisoned outbox: recovered ${recoveredMs} ms after the restart`);

    // Visible to the operator, with the reason, and to nobody else.
    const url = `https://ingest.test/v1/health/sites/${site}`;
    const anonymous = await SELF.fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await SELF.fetch(url, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();
    const res = await SELF.fetch(url, {
      headers: { authorization: `Bearer ${inject('secretKey')}` },
    });
    expect(res.status).toBe(200);
    const health = await res.json<{
      ok: boolean;
      deadLettered: number;
      shards: { outboxBatches: number; deadLetter: { reasons: object; recent: unknown[] } }[];
    }>();
    expect(health).toMatchObject({ site, ok: false, deadLettered: 1 });
    expect(health.shards[0]).toMatchObject({
      outboxBatches: 0,
      deadLetter: {
        reasons: { '22P05': { events: 1, entries: 1 } },
        recent: [{ events: [poisoned.event.id], reason: '22P05' }],
      },
    });
  });
});
