/**
 * Schema-valid beacons with hostile TEXT, at volume, over HTTP, against the deployable bundle
 * and the real devstack. The 10,000 payloads of hostile.test.ts are malformed, so none of them
 * reached Postgres; one well-formed beacon with U+0000 in its path did, failed `ingest_batch`
 * on every retry and stopped every later event of the site. Here 2,000 beacons carry U+0000,
 * unpaired surrogates, C1 controls, bidi overrides, markup and maximum lengths in every string
 * field: none may be answered 5xx, every event answered 202 is stored exactly once (or
 * dead-lettered with a reason), the outbox drains, and a page view sent afterwards lands.
 */
import { Agent } from 'node:http';
import { mulberry32 } from '@sightline/test-utils';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, beaconHeaders, newVisit, pageview, uid } from '../src/beacons.js';
import type { WorkerHandle } from '../src/ingest-worker.js';
import { connectDb, createSite, pool, send, siteStats, startWorker } from './support/env.js';

const COUNT = 2_000;

const UNITS = [
  ...['\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\t', '\n'],
  ...['\ud800', '\udbff', '\udc00', '\udfff', '😀', '𝕏', '\u{10ffff}'],
  ...['\u202e', '\u2066', '\u200f', '\ufeff', '\ufffe'],
  ...['<script>', '"', '\\', 'a', 'é', 'ß', ' '],
];

describe('schema-valid beacons with hostile text', () => {
  let db: pg.Client;
  let worker: WorkerHandle;
  let site: string;

  beforeAll(async () => {
    db = await connectDb();
    site = await createSite(db, 'hostiletext');
    worker = await startWorker({
      vars: { RATE_LIMIT_IP_PER_MINUTE: '1000000000', RATE_LIMIT_SITE_PER_MINUTE: '1000000000' },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
  });

  it(`stores every accepted event of ${COUNT.toLocaleString('en-US')} and never blocks the site`, async () => {
    const random = mulberry32(17); // seeded: a failure replays by its index
    const text = (max: number): string => {
      const length = random() < 0.1 ? max : Math.floor(random() * 24);
      let s = '';
      while (s.length < length) s += UNITS[Math.floor(random() * UNITS.length)]!;
      return s.slice(0, max);
    };
    const beacons = Array.from({ length: COUNT }, () => {
      const visit = newVisit();
      const roll = random();
      const event =
        roll < 0.4
          ? pageview(visit, { title: text(256) })
          : roll < 0.8
            ? {
                ...pageview(visit),
                type: 'custom',
                name: `n${text(63)}`,
                props: { [`k${text(63)}`]: text(256), plain: 1 },
              }
            : // Refused: control characters in an encoded field.
              pageview(visit, { url: `/${text(60)}\u0000` });
      return { id: event.id, body: JSON.stringify(batch(site, [event])) };
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const started = performance.now();
    const results = await pool(
      beacons.map(
        (b) => () =>
          send(`${worker.url}/v1/events`, b.body, beaconHeaders('https://example.com'), agent),
      ),
      16,
    );
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    const answers: Record<number, number> = {};
    for (const r of results) answers[r.status] = (answers[r.status] ?? 0) + 1;
    expect(results.filter((r) => r.status >= 500 || r.status === 0)).toEqual([]);
    const accepted = beacons.filter((_, i) => results[i]!.status === 202).map((b) => b.id);

    // A page view after the flood lands within seconds (the outbox is not blocked).
    const after = pageview(newVisit(), { url: `/after-${uid('p')}` });
    const sentAt = Date.now();
    expect(
      (
        await send(
          `${worker.url}/v1/events`,
          JSON.stringify(batch(site, [after])),
          beaconHeaders('https://example.com'),
        )
      ).status,
    ).toBe(202);
    await expect
      .poll(
        async () =>
          (
            await db.query('select 1 from public.events where site_id = $1 and id = $2', [
              site,
              after.id,
            ])
          ).rowCount,
        { timeout: 15_000, interval: 100 },
      )
      .toBe(1);
    const landedMs = Date.now() - sentAt;

    const stats = await siteStats(worker, site);
    expect(stats.outboxBatches + stats.pendingEvents).toBe(0);
    const { rows } = await db.query<{ id: string }>(
      'select id from public.events where site_id = $1',
      [site],
    );
    const stored = new Set(rows.map((r) => r.id));
    expect(stored.size).toBe(rows.length);
    const dead = stats.deadLetter.events;
    const missing = accepted.filter((id) => !stored.has(id));
    expect(missing.length).toBe(dead);
    console.info(
      `${COUNT} hostile-text beacons in ${seconds.toFixed(1)} s: answers ${JSON.stringify(answers)}, ` +
        `${accepted.length} events accepted, ${accepted.length - missing.length} stored, ${dead} dead-lettered; ` +
        `a page view sent afterwards landed in ${landedMs} ms`,
    );
  }, 180_000);
});
