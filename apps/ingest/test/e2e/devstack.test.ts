/**
 * The Worker against the real database: Postgres + PostgREST + Realtime from the devstack with
 * supabase/migrations applied. Faults are injected by the proxy between the Worker and the stack
 * (test/node/fault-proxy.ts); nothing here is mocked.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { batch, heartbeat, newVisit, pageview, post } from '../support/helpers.js';
import { createSite, drain, fault, rows } from '../support/e2e-db.js';
import { acceptedAtLeast, live, stats } from '../support/site-live.js';

describe('ingest → devstack', () => {
  it('lands events, session totals and the visitor in Postgres through one ingest_batch', async () => {
    const site = await createSite();
    const visit = newVisit();
    await post(batch(site, [pageview(visit)]));
    await post(batch(site, [heartbeat(visit, { scroll: 30 }), heartbeat(visit, { scroll: 70 })]));
    await acceptedAtLeast(site, 3);
    await drain(site);
    expect(await rows('events', site, 'id')).toHaveLength(3);
    const [session] = await rows<{
      pageviews: number;
      engaged_ms: number;
      max_scroll: number;
      referrer_class: string;
    }>('sessions', site);
    expect(session).toMatchObject({
      pageviews: 1,
      engaged_ms: 30_000,
      max_scroll: 70,
      referrer_class: 'email',
    });
    const [visitor] = await rows<{ visitor_id: string; sessions: number }>('visitors', site);
    expect(visitor).toMatchObject({ visitor_id: visit.visitor, sessions: 1 });
  });

  it('loses nothing while Postgres is unreachable, and lands every event exactly once when it is back', async () => {
    const site = await createSite();
    const sent: string[] = [];
    const visits = [newVisit(), newVisit(), newVisit()];
    // A first flush while up, so the site config is cached and later sessions have a prior state.
    const first = pageview(visits[0]!);
    sent.push(first.id as string);
    await post(batch(site, [first]));
    await acceptedAtLeast(site, 1);
    await drain(site);
    await fault({ rest: 'down' });
    try {
      for (const visit of visits) {
        const events = [pageview(visit), heartbeat(visit)];
        sent.push(...events.map((e) => e.id as string));
        expect((await post(batch(site, events))).status).toBe(202);
        await acceptedAtLeast(site, sent.length);
        await live(site).flush();
      }
      const down = await stats(site);
      expect(down.flushFailures).toBeGreaterThan(0);
      expect(down.outboxEvents + down.pendingEvents).toBe(sent.length - 1);
    } finally {
      await fault({ rest: 'up' });
    }
    await drain(site);
    const landed = await rows<{ id: string }>('events', site, 'id');
    expect(landed.map((e) => e.id).sort()).toEqual([...sent].sort());
    const sessions = await rows<{ session_id: string; pageviews: number }>('sessions', site);
    // visits[0] viewed a page before the outage and one during it.
    expect(sessions.map((s) => s.pageviews).sort()).toEqual([1, 1, 2]);
  });

  it('applies a batch once when the answer is lost after the commit (retried with the same batch id)', async () => {
    const site = await createSite();
    const visit = newVisit();
    await post(batch(site, [pageview(visit)]));
    await acceptedAtLeast(site, 1);
    await drain(site);
    await fault({ rest: 'lose-response' });
    try {
      await post(batch(site, [pageview(visit), heartbeat(visit)]));
      await acceptedAtLeast(site, 3);
      await live(site).flush();
      expect((await stats(site)).outboxBatches).toBe(1);
    } finally {
      await fault({ rest: 'up' });
    }
    await drain(site);
    expect(await rows('events', site, 'id')).toHaveLength(3);
    const [session] = await rows<{ pageviews: number; engaged_ms: number }>('sessions', site);
    // Counted once although the database saw the batch twice.
    expect(session).toMatchObject({ pageviews: 2, engaged_ms: 15_000 });
  });

  it('keeps ingesting while Realtime is down', async () => {
    const site = await createSite();
    await live(site).watch({ site });
    await fault({ realtime: 'down' });
    try {
      for (let i = 0; i < 3; i++)
        expect((await post(batch(site, [pageview(newVisit())]))).status).toBe(202);
      await acceptedAtLeast(site, 3);
      await pollUntil(async () => ((await stats(site)).pushFailures > 0 ? true : null));
      await drain(site);
      expect(await rows('events', site, 'id')).toHaveLength(3);
    } finally {
      await fault({ realtime: 'up' });
    }
  });

  it('sends no Realtime message for a site nobody watches, then pushes through the real broadcast endpoint once a dashboard watches', async () => {
    const site = await createSite();
    await post(batch(site, [pageview(newVisit())]));
    await acceptedAtLeast(site, 1);
    await drain(site);
    expect((await stats(site)).pushes).toBe(0);

    // A watch (what a dashboard's pass renewal asks of the object; the routes' access checks
    // with real tokens are in e2e/test/access.test.ts): the answer is a full snapshot.
    const snapshot = await live(site).watch({ site });
    expect(snapshot).toMatchObject({ full: true, visitorsNow: 1 });
    const before = (await stats(site)).pushes;
    await post(batch(site, [pageview(newVisit())]));
    const s = await pollUntil(async () => {
      const now = await stats(site);
      return now.pushes > before ? now : null;
    });
    expect(s.pushFailures).toBe(0);
    // The public count's KV snapshot is written from the alarm at most every 10 s, so the change
    // may wait a whole interval after the first write, plus the alarm's lateness under load.
    await pollUntil(
      async () => {
        const snapshot = await env.SITES_KV.get<{ visitorsNow: number }>(`live:${site}`, 'json');
        return snapshot?.visitorsNow === 2;
      },
      { timeoutMs: 30_000, what: 'the KV snapshot counting both visitors' },
    );
  }, 60_000);
});
