/**
 * LIVE_SHARDS (vitest.config.ts): 'site-sharded-four' has 4 live shards; the other listed sites
 * have invalid counts and must behave as unsharded sites.
 */
import { env } from 'cloudflare:workers';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { liveShard, type LiveMessage } from '@sightline/schema';
import { liveShardCount, liveSnapshotKey } from '../src/lib/site-live-stub.js';
import { pollUntil } from '@sightline/test-utils';
import { addSite, batch, newVisit, pageview, post } from './support/helpers.js';
import { batchesOf, live, messagesOf, stats, watchSite } from './support/site-live.js';

const SHARDS = 4;

describe('liveShardCount', () => {
  it('reads n in 1..64 per site and falls back to 1 for anything else, never throwing', () => {
    const count = (raw: unknown, site = 'big-site') => liveShardCount({ LIVE_SHARDS: raw }, site);
    expect(count('{"big-site": 4}')).toBe(4);
    expect(count('{"big-site": 64}')).toBe(64);
    expect(count('{"big-site": 4}', 'other-site')).toBe(1);
    expect(count({ 'big-site': 3 })).toBe(3);
    for (const bad of [
      '{}',
      '',
      'not json',
      '{"big-site": 4',
      '[4]',
      'null',
      '4',
      '{"big-site": 0}',
      '{"big-site": -2}',
      '{"big-site": 65}',
      '{"big-site": 2.5}',
      '{"big-site": "4"}',
      '{"big-site": null}',
      undefined,
      null,
    ])
      expect(count(bad)).toBe(1);
    expect(count('{"big-site": 4}', 'constructor')).toBe(1);
  });

  it('reads the Worker var', () => {
    expect(liveShardCount(env, 'site-sharded-four')).toBe(SHARDS);
    for (const site of [
      'site-shards-zero',
      'site-shards-many',
      'site-shards-half',
      'site-shards-text',
    ])
      expect(liveShardCount(env, site)).toBe(1);
  });

  it('names the snapshot of shard 0 as an unsharded site', () => {
    expect(liveSnapshotKey('s1')).toBe('live:s1');
    expect(liveSnapshotKey('s1', 0)).toBe('live:s1');
    expect(liveSnapshotKey('s1', 3)).toBe('live:s1#3');
  });
});

describe('a site with 4 live shards', () => {
  it('spreads visitors over the shards, flushes every event exactly once, dedups and sums /live', async () => {
    const site = await addSite({ id: 'site-sharded-four', public_live: true });
    const visits = Array.from({ length: 24 }, () => newVisit());
    const expected = new Map<number, number>();
    for (const v of visits) {
      const k = liveShard(v.visitor, SHARDS);
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    expect(expected.size).toBeGreaterThan(1);
    const events = visits.map((v) => pageview(v));
    // A dashboard watches: one snapshot per shard at once, and pushes from every shard.
    const watched = await watchSite(site.id);
    expect(watched.status).toBe(200);
    const { messages: snapshots } = await watched.json<{ messages: LiveMessage[] }>();
    expect(snapshots.map((m) => [m.shard, m.shards, m.full])).toEqual(
      Array.from({ length: SHARDS }, (_, k) => [k, SHARDS, true]),
    );
    // One request with every visitor: the Worker splits it by shard (one push per shard).
    expect((await post(batch(site.id, events))).status).toBe(202);

    // Live messages carry their shard, and the shards' latest counts sum to the exact total.
    await pollUntil(async () => {
      const latest = new Map<number, LiveMessage>();
      for (const m of await messagesOf(site.id)) {
        expect(m.shards).toBe(SHARDS);
        const prev = latest.get(m.shard!);
        if (!prev || m.seq > prev.seq) latest.set(m.shard!, m);
      }
      if (latest.size !== expected.size) return false;
      for (const [k, m] of latest) expect(m.visitorsNow).toBe(expected.get(k));
      return true;
    });
    // /live sums the shards' KV snapshots (one key per shard that saw visitors).
    await pollUntil(async () => {
      const res = await SELF.fetch(`https://ingest.test/v1/sites/${site.id}/live`);
      const body = await res.json<{ visitorsNow: number }>();
      return body.visitorsNow === visits.length;
    });
    const keys = await env.SITES_KV.list({ prefix: `live:${site.id}` });
    expect(keys.keys.length).toBe(expected.size);

    // Every event again, in smaller requests (retried beacons): counted once.
    for (let i = 0; i < events.length; i += 5)
      expect((await post(batch(site.id, events.slice(i, i + 5)))).status).toBe(202);
    const perShard = await pollUntil(async () => {
      const all = await Promise.all(Array.from({ length: SHARDS }, (_, k) => stats(site.id, k)));
      const done = all.every(
        (s, k) => s.accepted === (expected.get(k) ?? 0) && s.duplicates === (expected.get(k) ?? 0),
      );
      return done ? all : null;
    });
    expect(perShard.filter((s) => s.accepted > 0).length).toBe(expected.size);

    await Promise.all(Array.from({ length: SHARDS }, (_, k) => live(site.id, k).flush()));
    const batches = await batchesOf(site.id);
    const flushed = batches.flatMap((b) => b.events.map((e) => e.id));
    expect(flushed.sort()).toEqual(events.map((e) => e.id).sort());
    // Each shard flushed its own batches, with unique batch ids.
    expect(batches.length).toBeGreaterThanOrEqual(expected.size);
    expect(new Set(batches.map((b) => b.batch_id)).size).toBe(batches.length);
  });

  it('keeps sites with invalid shard counts on one object, as before', async () => {
    for (const id of [
      'site-shards-zero',
      'site-shards-many',
      'site-shards-half',
      'site-shards-text',
    ]) {
      const site = await addSite({ id, public_live: true });
      expect((await watchSite(site.id)).status).toBe(200);
      const visits = Array.from({ length: 6 }, () => newVisit());
      await post(
        batch(
          site.id,
          visits.map((v) => pageview(v)),
        ),
      );
      const s = await pollUntil(async () => {
        const s = await stats(site.id);
        return s.accepted === 6 ? s : null;
      });
      expect(s.visitorsNow).toBe(6);
      for (let k = 1; k < SHARDS; k++) expect((await stats(site.id, k)).calls).toBe(0);
      const messages = await pollUntil(async () => {
        const m = await messagesOf(site.id);
        return m.some((x) => x.visitorsNow === 6) ? m : null;
      });
      for (const m of messages) {
        expect(m).not.toHaveProperty('shard');
        expect(m).not.toHaveProperty('shards');
      }
      await pollUntil(async () => {
        const snap = await env.SITES_KV.get<{ visitorsNow: number }>(`live:${site.id}`, 'json');
        return snap?.visitorsNow === 6;
      });
      const res = await SELF.fetch(`https://ingest.test/v1/sites/${site.id}/live`);
      expect(await res.json()).toMatchObject({ visitorsNow: 6 });
    }
  });
});
