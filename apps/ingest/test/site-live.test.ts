import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { addSite, batch, control, heartbeat, newVisit, pageview, post } from './support/helpers.js';
import {
  acceptedAtLeast,
  batchesOf,
  dashboardToken,
  drainOutbox,
  live,
  messagesOf,
  stats,
  watchSite,
} from './support/site-live.js';
import type { LiveMessage } from '@sightline/schema';
import { SELF } from 'cloudflare:test';

describe('SiteLive: dedup', () => {
  it('counts a repeated event id once (retried beacon, reload)', async () => {
    const site = await addSite();
    const visit = newVisit();
    const event = pageview(visit);
    expect((await post(batch(site.id, [event]))).status).toBe(202);
    expect((await post(batch(site.id, [event, event]))).status).toBe(202);
    await acceptedAtLeast(site.id, 2, 'duplicates');
    await live(site.id).flush();
    const s = await stats(site.id);
    expect(s.accepted).toBe(1);
    expect(s.duplicates).toBe(2);
    const events = (await batchesOf(site.id)).flatMap((b) => b.events);
    expect(events.map((e) => e.id)).toEqual([event.id]);
  });
});

describe('SiteLive: storage stays bounded', () => {
  it('drops sessions idle for a day and visitors idle past the id lifetime, nothing active', async () => {
    const site = await addSite();
    const idle = newVisit();
    const active = newVisit();
    await post(batch(site.id, [pageview(idle), pageview(active)]));
    await acceptedAtLeast(site.id, 2);
    const now = Date.now();
    expect(await live(site.id).sweepState(now)).toEqual({ sessions: 0, visitors: 0 });
    // Two days on, `active` is seen again first: only the idle session goes.
    const later = now + 2 * 86_400_000;
    await post(batch(site.id, [heartbeat(active, { ts: now })]));
    await acceptedAtLeast(site.id, 3);
    await live(site.id).flush();
    const twoDays = await live(site.id).sweepState(later);
    expect(twoDays.visitors).toBe(0);
    // The active session's last event is `now` too (the Worker's clock), so both sessions are
    // idle for two days by then; sweep once more to see that nothing is swept twice.
    expect(twoDays.sessions).toBe(2);
    expect(await live(site.id).sweepState(later)).toEqual({ sessions: 0, visitors: 0 });
    // 401 days on, both visitors are past the tracker's 365-day id.
    expect(await live(site.id).sweepState(now + 401 * 86_400_000)).toEqual({
      sessions: 0,
      visitors: 2,
    });
    // A new session of a swept visitor counts as a new visitor's, not a returning one's.
    const back = { visitor: idle.visitor, session: newVisit().session };
    await post(batch(site.id, [pageview(back)]));
    await acceptedAtLeast(site.id, 4);
    await live(site.id).flush();
    const sessions = (await batchesOf(site.id)).flatMap((b) => b.sessions);
    expect(sessions.find((r) => r.session_id === back.session)).toMatchObject({
      pageviews: 1,
      returning: false,
    });
  });
});

describe('wire format v2 (what the tracker sends)', () => {
  it('lands a compact v2 beacon as the same events a v1 beacon would, deduplicated the same way', async () => {
    const site = await addSite();
    const load = `load_${Date.now().toString(36)}`;
    const ts = Date.now();
    const beacon = {
      v: 2,
      s: site.id,
      i: `ses_${load}`,
      u: `vis_${load}`,
      k: true,
      p: load,
      l: 'de-DE',
      e: [
        [0, 0, ts, '/pricing?utm_source=newsletter', 'https://www.google.com/', 'Pricing'],
        [1, 1, ts + 15_000, '/pricing', null, 15_000, 40, 2],
        [2, 2, ts + 16_000, '/pricing', null, 'signup', { plan: 'pro' }],
      ],
    };
    expect((await post(beacon)).status).toBe(202);
    expect((await post(beacon)).status).toBe(202); // a retried beacon: same page-load ids
    await acceptedAtLeast(site.id, 3, 'duplicates');
    await live(site.id).flush();
    const events = (await batchesOf(site.id)).flatMap((b) => b.events);
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${load}-0`, 'pageview'],
      [`${load}-1`, 'heartbeat'],
      [`${load}-2`, 'custom'],
    ]);
    const [session] = (await batchesOf(site.id)).flatMap((b) => b.sessions);
    expect(session).toMatchObject({
      session_id: `ses_${load}`,
      visitor_id: `vis_${load}`,
      pageviews: 1,
      utm_source: 'newsletter',
    });
  });
});

describe('SiteLive: calls', () => {
  it('coalesces concurrent beacons of a site into fewer Durable Object calls, losing none', async () => {
    const site = await addSite();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(batch(site.id, [pageview(newVisit())]))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    const s = await acceptedAtLeast(site.id, 20);
    expect(s.accepted).toBe(20);
    expect(s.calls).toBeLessThan(20);
  });
});

describe('SiteLive: live visitors and pushes', () => {
  it('sends no Realtime message for a site nobody watches, yet knows exactly who is on it', async () => {
    const site = await addSite();
    const a = newVisit();
    await post(batch(site.id, [pageview(a), pageview(newVisit())]));
    await post(batch(site.id, [heartbeat(a, { final: true })]));
    const s = await acceptedAtLeast(site.id, 3);
    await live(site.id).flush(); // let the object finish its work
    expect(s.visitorsNow).toBe(1);
    expect((await stats(site.id)).pushes).toBe(0);
    expect(await messagesOf(site.id)).toEqual([]);
  });

  it('answers a watch with a full snapshot at once, then pushes deltas; a final heartbeat leaves at once', async () => {
    const site = await addSite();
    const a = newVisit();
    const b = newVisit();
    await post(batch(site.id, [pageview(a), pageview(b)]));
    await acceptedAtLeast(site.id, 2);
    const res = await watchSite(site.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json<{ messages: LiveMessage[]; watchMs: number; renewMs: number }>();
    expect(body.renewMs).toBeLessThan(body.watchMs);
    expect(body.messages).toHaveLength(1);
    const [snapshot] = body.messages;
    expect(snapshot).toMatchObject({ site: site.id, full: true, visitorsNow: 2 });
    expect(snapshot!.visitors.map((v) => v.id).sort()).toEqual([a.visitor, b.visitor].sort());
    expect((await stats(site.id)).watched).toBe(true);

    await post(batch(site.id, [heartbeat(a, { final: true })]));
    const after = await pollUntil(async () =>
      (await messagesOf(site.id)).find((m) => m.left.includes(a.visitor)),
    );
    expect(after.visitorsNow).toBe(1);
    // Pushes continue the snapshot's sequence: no gap for a dashboard that applied it.
    const seqs = (await messagesOf(site.id)).map((m) => m.seq);
    expect(seqs[0]).toBe(snapshot!.seq + 1);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });

  it('stops pushing once the last watch lapses', async () => {
    const site = await addSite();
    const o = live(site.id);
    await o.watch({ site: site.id, ttlMs: 5_000 });
    await post(batch(site.id, [pageview(newVisit())]));
    await pollUntil(async () => (await messagesOf(site.id)).length > 0);
    // The watch lapses at its alarm; nothing is pushed after that.
    await pollUntil(async () => !(await stats(site.id)).watched || null, { timeoutMs: 15_000 });
    const before = (await stats(site.id)).pushes;
    await post(batch(site.id, [pageview(newVisit()), pageview(newVisit())]));
    await acceptedAtLeast(site.id, 3);
    await o.flush();
    expect((await stats(site.id)).pushes).toBe(before);
  });

  it('refuses a watch without a token or with an expired one (401), or with a token for other sites (403)', async () => {
    const site = await addSite();
    const other = await addSite();
    expect((await watchSite(site.id, '')).status).toBe(401);
    const forbidden = await watchSite(site.id, await dashboardToken([other.id]));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'not_readable' } });
    const expired = await watchSite(site.id, await dashboardToken([site.id], -60));
    expect([expired.status, await expired.json()]).toMatchObject([
      401,
      { error: { code: 'token_expired' } },
    ]);
    expect((await watchSite('no-such-site-9')).status).toBe(403);
    expect((await watchSite('Not A Site!')).status).toBe(404);
    const preflight = await SELF.fetch(`https://ingest.test/v1/sites/${site.id}/watch`, {
      method: 'OPTIONS',
      headers: { origin: 'https://dash.test', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await stats(site.id)).watches).toBe(0);
  });

  it('coalesces a burst into at most ~20 pushes per second', async () => {
    const site = await addSite();
    await live(site.id).watch({ site: site.id });
    const started = Date.now();
    for (let i = 0; i < 40; i++) await post(batch(site.id, [pageview(newVisit())]));
    await acceptedAtLeast(site.id, 40);
    const elapsed = (Date.now() - started) / 1000;
    await pollUntil(async () => (await messagesOf(site.id)).some((m) => m.visitorsNow === 40));
    const pushes = (await messagesOf(site.id)).length;
    expect(pushes).toBeLessThanOrEqual(Math.ceil(elapsed * 20) + 2);
  });

  it('holds back pushes for heartbeats of present visitors: they ride along with the next page view, and reach the screen within a second on their own', async () => {
    const site = await addSite();
    await live(site.id).watch({ site: site.id });
    const a = newVisit();
    await post(batch(site.id, [pageview(a)]));
    await pollUntil(async () => (await messagesOf(site.id)).some((m) => m.visitorsNow === 1));
    const seen = (await messagesOf(site.id)).length;
    // Each heartbeat used to be a push of its own (the window is 50 ms); now they wait for the
    // page view that follows, whose push carries them.
    for (const engagedMs of [1_000, 2_000, 3_000]) {
      await post(batch(site.id, [heartbeat(a, { engagedMs })]));
    }
    const b = newVisit();
    await post(batch(site.id, [pageview(b)]));
    const next = await pollUntil(async () => (await messagesOf(site.id))[seen]);
    expect(next.visitorsNow).toBe(2);
    expect(next.visitors.map((v) => v.id).sort()).toEqual([a.visitor, b.visitor].sort());

    // Alone, a heartbeat still reaches the screen, within the quiet window plus delivery.
    const quietMs = Number((env as { LIVE_QUIET_PUSH_MS?: string }).LIVE_QUIET_PUSH_MS);
    const sent = Date.now();
    await post(batch(site.id, [heartbeat(a, { engagedMs: 4_000 })]));
    await pollUntil(async () =>
      (await messagesOf(site.id)).some((m) =>
        m.visitors.some((v) => v.id === a.visitor && v.engagedMs === 10_000),
      ),
    );
    expect(Date.now() - sent).toBeLessThan(quietMs + 1_500);
  });

  it('writes a KV snapshot served by GET /v1/sites/:id/live for public sites only', async () => {
    const site = await addSite({ public_live: true });
    const hidden = await addSite({ public_live: false });
    await post(batch(site.id, [pageview(newVisit()), pageview(newVisit()), pageview(newVisit())]));
    await post(batch(hidden.id, [pageview(newVisit())]));
    await pollUntil(async () => {
      const snap = await env.SITES_KV.get<{ visitorsNow: number }>(`live:${site.id}`, 'json');
      return snap?.visitorsNow === 3;
    });
    const res = await SELF.fetch(`https://ingest.test/v1/sites/${site.id}/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ site: site.id, visitorsNow: 3 });
    await acceptedAtLeast(hidden.id, 1);
    await live(hidden.id).flush();
    // Nobody may read a hidden site's count: it is never written.
    expect(await env.SITES_KV.get(`live:${hidden.id}`)).toBeNull();
    expect((await SELF.fetch(`https://ingest.test/v1/sites/${hidden.id}/live`)).status).toBe(403);
    expect((await SELF.fetch('https://ingest.test/v1/sites/nope-nope/live')).status).toBe(404);
    expect((await SELF.fetch('https://ingest.test/v1/sites/%00bad/live')).status).toBe(404);
  });

  it('keeps ingesting while Realtime is down', async () => {
    const site = await addSite();
    await live(site.id).watch({ site: site.id });
    await control({ failRealtime: [site.id] });
    try {
      await post(batch(site.id, [pageview(newVisit())]));
      const res = await post(batch(site.id, [pageview(newVisit())]));
      expect(res.status).toBe(202);
      await acceptedAtLeast(site.id, 2);
      await pollUntil(async () => ((await stats(site.id)).pushFailures > 0 ? true : null));
      await live(site.id).flush();
      expect((await batchesOf(site.id)).flatMap((b) => b.events)).toHaveLength(2);
    } finally {
      await control({ failRealtime: [] });
    }
  });
});

describe('SiteLive: Analytics Engine points', () => {
  it('writes one point per event a report needs: none for a heartbeat that moves no measure', async () => {
    const site = await addSite();
    const visit = newVisit();
    await post(
      batch(site.id, [
        pageview(visit),
        heartbeat(visit, { engagedMs: 5_000 }),
        heartbeat(visit, { engagedMs: 0, interactions: 0 }),
        heartbeat(visit, { engagedMs: 0, interactions: 0, final: true }),
      ]),
    );
    const s = await acceptedAtLeast(site.id, 4);
    expect(s.points).toBe(2);
    expect(s.pointsDropped).toBe(0);
  });
});

describe('SiteLive: Postgres flush', () => {
  it('flushes many requests as ONE ingest_batch RPC with running session totals and a score', async () => {
    const site = await addSite();
    const visit = newVisit();
    await post(batch(site.id, [pageview(visit)]));
    for (let i = 0; i < 6; i++)
      await post(batch(site.id, [heartbeat(visit, { scroll: 10 * i, interactions: 1 })]));
    await acceptedAtLeast(site.id, 7);
    await live(site.id).flush();
    const batches = await batchesOf(site.id);
    expect(batches).toHaveLength(1);
    const [b] = batches;
    expect(b!.wire).toBe(true);
    expect(b!.events).toHaveLength(7);
    expect(b!.sessions).toHaveLength(1);
    expect(b!.sessions[0]).toMatchObject({
      session_id: visit.session,
      pageviews: 1,
      engaged_ms: 6 * 15_000,
      max_scroll: 50,
      interactions: 6,
      referrer_class: 'email',
      utm_source: 'newsletter',
      returning: false,
    });
    expect(b!.visitors[0]).toMatchObject({
      visitor_id: visit.visitor,
      // The page: its query string stays with the Worker (utm_source above came from it).
      last_path: '/pricing',
    });
    expect(typeof b!.visitors[0]!.value_score).toBe('number');
  });

  it('loses nothing while Postgres is down and lands every event exactly once when it is back', async () => {
    const site = await addSite();
    await control({ failRpc: [site.id] });
    const sent: string[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const events = [pageview(newVisit()), pageview(newVisit())];
        sent.push(...events.map((e) => e.id as string));
        await post(batch(site.id, events));
        await acceptedAtLeast(site.id, sent.length);
        await live(site.id).flush();
      }
      const down = await stats(site.id);
      expect(down.flushFailures).toBeGreaterThan(0);
      expect(down.outboxEvents + down.pendingEvents).toBe(sent.length);
    } finally {
      await control({ failRpc: [] });
    }
    // Back up: retries come from the alarm with back-off; run it until the outbox is empty.
    await drainOutbox(site.id, 10_000);
    const landed = (await batchesOf(site.id))
      .filter((b) => !b.duplicate)
      .flatMap((b) => b.events.map((e) => e.id));
    expect(landed.sort()).toEqual([...sent].sort());
  });

  it('replays a long outage in bounded batches (≤ 1,000 events each), every event once', async () => {
    const site = await addSite();
    await control({ failRpc: [site.id] });
    const sent: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const events = Array.from({ length: 50 }, () => pageview(newVisit()));
        sent.push(...events.map((e) => e.id as string));
        expect((await post(batch(site.id, events))).status).toBe(202);
      }
      await acceptedAtLeast(site.id, sent.length);
      await live(site.id).flush();
    } finally {
      await control({ failRpc: [] });
    }
    await drainOutbox(site.id, 15_000);
    const applied = (await batchesOf(site.id)).filter((b) => !b.duplicate);
    expect(Math.max(...applied.map((b) => b.events.length))).toBeLessThanOrEqual(1_000);
    const landed = applied.flatMap((b) => b.events.map((e) => e.id));
    expect(landed).toHaveLength(sent.length);
    expect(new Set(landed)).toEqual(new Set(sent));
  }, 40_000);
});
