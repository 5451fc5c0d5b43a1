/**
 * Property: whatever text a schema-valid beacon carries — all of Unicode, U+0000, unpaired
 * surrogates, bidi controls, 4-byte characters, maximum lengths, in every string field, in
 * property keys and values and in the (development) geo override — every event answered 202
 * is stored exactly once or dead-lettered with a reason, and an ordinary page view sent after
 * each batch is in `session_pages` within a few seconds. The Worker runs in Miniflare against
 * the devstack's real Postgres; the flushes are the object's own (its alarm), not forced.
 * On the code before this test, the first batch with U+0000 in a path stopped every later page
 * view from landing.
 */
import { cleanText, isStorableText } from '@sightline/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { batch, newVisit, pageview, post, uid } from '../support/helpers.js';
import { createSite, drain, rows } from '../support/e2e-db.js';
import { live, stats } from '../support/site-live.js';

/** About 1.2 s a run (the object flushes a second after a beacon): ~50 s in all. */
const RUNS = 40;

const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  fc.constantFrom(
    ...['\u0000', '\u0001', '\t', '\n', '\u007f', '\u0085', '\u009f'],
    ...['\ud800', '\udbff', '\udc00', '\udfff'],
    ...['\u202e', '\u202d', '\u2066', '\u2067', '\u2069', '\u200f', '\u061c'],
    ...['\ufeff', '\ufffe', '\uffff', '😀', '𝕏', '👩‍👩‍👧', 'ﷺ'],
    ...['<script>alert(1)</script>', '"', "'", '\\', '{', '%00', '%'],
  ),
);

/** Short hostile text mostly, now and then exactly `max` UTF-16 units (cut where it falls). */
const text = (max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: hostileUnit, maxLength: Math.min(max, 24) }) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: hostileUnit, minLength: max, maxLength: max })
        .map((s) => s.slice(0, max)),
    },
  );
/** Fields the schema refuses hostile text in: mostly made storable, so most batches pass. */
const encoded = (max: number) =>
  fc.oneof(
    { weight: 1, arbitrary: text(max) },
    { weight: 7, arbitrary: text(max).map((s) => cleanText(s, max)) },
  );

const base = fc.record(
  {
    url: encoded(1023).map((s) => `/${s}`),
    referrer: encoded(1024),
    language: encoded(35),
    timeZone: encoded(64),
  },
  { requiredKeys: ['url'] },
);
const event = fc.oneof(
  fc.record({ type: fc.constant('pageview'), title: text(256) }, { requiredKeys: ['type'] }),
  fc.record({
    type: fc.constant('custom'),
    name: text(64),
    props: fc.dictionary(
      text(64),
      fc.oneof(text(256), fc.double(), fc.boolean(), fc.constant(null)),
      {
        maxKeys: 4,
      },
    ),
  }),
  fc.record({ type: fc.constantFrom('outbound', 'download'), target: encoded(1024) }),
);
const geo = fc.record({ country: text(2), region: text(128), city: text(128) });
const beacon = fc.record({
  events: fc.array(fc.tuple(base, event), { minLength: 1, maxLength: 3 }),
  geo: fc.option(geo),
});

describe('hostile Unicode through the Worker into Postgres (property)', () => {
  it(`stores or dead-letters every accepted event and never holds up the next page view (${RUNS} batches)`, async () => {
    const site = await createSite();
    const accepted = new Set<string>();
    const answers: Record<number, number> = {};
    const landingMs: number[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(beacon, async ({ events, geo: place }) => {
        run += 1;
        const visit = newVisit();
        const sent = events.map(([fields, kind]) => ({
          ...pageview(visit),
          id: uid('evt'),
          referrer: undefined,
          ...fields,
          ...kind,
        }));
        const query = place
          ? `?dev_geo=${encodeURIComponent(JSON.stringify({ ...place, latitude: 1, longitude: 2 }))}`
          : '';
        const res = await post(batch(site, sent), { query });
        answers[res.status] = (answers[res.status] ?? 0) + 1;
        expect([202, 400, 413]).toContain(res.status);
        if (res.status === 202) for (const e of sent) accepted.add(e.id);
        const good = `/good-${run}`;
        const started = Date.now();
        expect((await post(batch(site, [pageview(newVisit(), { url: good })]))).status).toBe(202);
        await pollUntil(
          async () => {
            const pages = await rows<{ path: string }>('session_pages', site, 'path');
            return pages.some((p) => p.path === good);
          },
          { timeoutMs: 5_000 },
        );
        landingMs.push(Date.now() - started);
      }),
      { numRuns: RUNS },
    );
    await drain(site);
    const stored = await rows<{ id: string; path: string; name: string; city: string }>(
      'events',
      site,
      'id,path,name,city',
    );
    const storedIds = stored.map((e) => e.id);
    expect(new Set(storedIds).size).toBe(storedIds.length); // exactly once
    const dead = new Set((await live(site).deadLetters(100)).flatMap((d) => d.events));
    for (const id of accepted) expect(storedIds.includes(id) || dead.has(id), id).toBe(true);
    for (const e of stored)
      for (const t of [e.path, e.name, e.city]) expect(isStorableText(t)).toBe(true);
    const s = await stats(site);
    expect(s.deadLetter.events).toBe(dead.size);
    landingMs.sort((a, b) => a - b);
    console.info(
      `hostile Unicode property: ${run} batches (answers ${JSON.stringify(answers)}), ` +
        `${accepted.size} events accepted, ${accepted.size - dead.size} stored, ` +
        `${dead.size} dead-lettered ${JSON.stringify(s.deadLetter.reasons)}; ` +
        `next page view landed p50 ${landingMs[landingMs.length >> 1]} ms, max ${landingMs.at(-1)} ms`,
    );
  }, 120_000);
});
