import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect } from '../src/testing.js';
import { bytesOf, postgresCsv, UMAMI_HEADER, umamiRows, type UmamiEvent } from './fixtures.js';
import { find, refused, text } from './helpers.js';

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const START = Date.UTC(2024, 2, 30, 18); // across the night Europe/Berlin moves to summer time

interface Generated {
  events: (UmamiEvent & { ms: number })[];
}

/** Random visits: each a session's burst of page views and custom events within 30 minutes. */
const visitsArb = fc
  .array(
    fc.record({
      session: fc.integer({ min: 0, max: 15 }),
      startMin: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      steps: fc.array(
        fc.record({
          gapSec: fc.integer({ min: 0, max: 400 }),
          page: fc.constantFrom('/', '/a', '/b?x=1', '/c'),
          event: fc.option(fc.constantFrom('signup', 'buy'), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      country: fc.constantFrom('DE', 'FR', ''),
      referrer: fc.constantFrom('', 'www.google.com', 'example.com', 'news.ycombinator.com'),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((visits): Generated => {
    const events: Generated['events'] = [];
    visits.forEach((v, i) => {
      let at = START + v.startMin * 60_000;
      v.steps.forEach((s, k) => {
        at += s.gapSec * 1000;
        const base = {
          session: `s${v.session}`,
          visit: `v${i}`,
          at: stamp(at),
          ms: Math.floor(at / 1000) * 1000,
          country: v.country,
          referrer: k === 0 ? v.referrer : 'example.com',
        };
        events.push({ ...base, path: s.page.split('?')[0]!, type: 1 });
        if (s.event) events.push({ ...base, path: s.page.split('?')[0]!, type: 2, name: s.event });
      });
    });
    // Time order within the hour is not guaranteed (Umami's ClickHouse sorts by the hour).
    events.sort(
      (a, b) =>
        Math.floor(a.ms / 3_600_000) - Math.floor(b.ms / 3_600_000) ||
        a.session.localeCompare(b.session) ||
        a.ms - b.ms,
    );
    return { events };
  });

const berlinDay = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(ms);

/** What the records must say, computed directly from the events. */
function expected(events: Generated['events']) {
  const visits = new Map<
    string,
    {
      session: string;
      start: number;
      pages: string[];
      events: string[];
      first: (typeof events)[number];
    }
  >();
  for (const e of [...events].sort((a, b) => a.ms - b.ms)) {
    let v = visits.get(e.visit);
    if (!v)
      visits.set(
        e.visit,
        (v = { session: e.session, start: e.ms, pages: [], events: [], first: e }),
      );
    if (e.type === 1) v.pages.push(e.path);
    else v.events.push(e.name!);
  }
  const out = new Map<
    string,
    { visitors: Set<string>; visits: number; pageviews: number; bounces: number; events: number }
  >();
  const add = (
    day: string,
    dim: string,
    value: string,
    session: string,
    pv: number,
    bounce: number,
    ev = 0,
  ) => {
    const k = `${day}|${dim}|${value}`;
    let s = out.get(k);
    if (!s)
      out.set(k, (s = { visitors: new Set(), visits: 0, pageviews: 0, bounces: 0, events: 0 }));
    s.visitors.add(session);
    s.visits++;
    s.pageviews += pv;
    s.bounces += bounce;
    s.events += ev;
  };
  for (const v of visits.values()) {
    const day = berlinDay(v.start);
    const bounce = v.pages.length === 1 ? 1 : 0;
    add(day, '', '', v.session, v.pages.length, bounce);
    add(day, 'entry_page', v.first.path, v.session, v.pages.length, bounce);
    add(day, 'exit_page', v.pages.at(-1)!, v.session, v.pages.length, bounce);
    add(day, 'country', v.first.country ?? '', v.session, v.pages.length, bounce);
    add(
      day,
      'referrer',
      v.first.referrer === 'example.com' ? '' : (v.first.referrer ?? '').replace('www.', ''),
      v.session,
      v.pages.length,
      bounce,
    );
    const pages = new Map<string, number>();
    for (const p of v.pages) pages.set(p, (pages.get(p) ?? 0) + 1);
    for (const [p, n] of pages) add(day, 'page', p, v.session, n, bounce);
    const evs = new Map<string, number>();
    for (const e of v.events) evs.set(e, (evs.get(e) ?? 0) + 1);
    for (const [e, n] of evs) add(day, 'event', e, v.session, 0, 0, n);
  }
  return out;
}

describe("Umami's event export", () => {
  it('aggregates events into the visits, pages, entries, exits and events of each local day (property)', async () => {
    await fc.assert(
      fc.asyncProperty(visitsArb, async ({ events }) => {
        const csv = postgresCsv(UMAMI_HEADER, umamiRows(events));
        const { records, summary } = await collect(text(csv), {
          name: 'website_event.csv',
          timeZone: 'Europe/Berlin',
        });
        expect(summary.format).toBe('umami');
        expect(summary.timeZone).toBe('Europe/Berlin');
        const want = expected(events);
        const got = records.filter((r) =>
          ['', 'page', 'entry_page', 'exit_page', 'event', 'country', 'referrer'].includes(
            r.dimension,
          ),
        );
        expect(got).toHaveLength(want.size);
        for (const r of got) {
          const w = want.get(`${r.day}|${r.dimension}|${r.value}`);
          expect(w, r.key).toBeDefined();
          expect(r.visitors, r.key).toBe(w!.visitors.size);
          expect(r.visits, r.key).toBe(w!.visits);
          if (r.dimension === 'event') expect(r.events, r.key).toBe(w!.events);
          else {
            expect(r.pageviews, r.key).toBe(w!.pageviews);
            expect(r.bounces, r.key).toBe(w!.bounces);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reads the gzip of Umami Cloud and the 2.18+/3.x layout (region, UTM columns), skipping non-website events', async () => {
    const header = [
      'website_id',
      'session_id',
      'visit_id',
      'event_id',
      'hostname',
      'browser',
      'os',
      'device',
      'country',
      'region',
      'city',
      'url_path',
      'url_query',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'referrer_domain',
      'event_type',
      'event_name',
      'tag',
      'created_at',
    ];
    const row = (
      visit: string,
      type: number,
      at: string,
      extra: Partial<Record<string, string>> = {},
    ) =>
      header.map(
        (h) =>
          ({
            session_id: 's',
            visit_id: visit,
            browser: 'edge-chromium',
            os: 'Windows 10',
            device: 'mobile',
            country: 'US',
            region: 'US-CA',
            city: 'San Francisco',
            url_path: '/',
            utm_source: 'news',
            utm_medium: 'email',
            utm_campaign: 'spring',
            referrer_domain: 'mail.google.com',
            event_type: String(type),
            created_at: at,
            ...extra,
          })[h] ?? '',
      );
    const csv = postgresCsv(header, [
      row('v1', 1, '2024-05-01 10:00:00'),
      row('v1', 5, '2024-05-01 10:00:01'),
      row('v1', 1, '2024-05-01 10:05:00', { url_path: '/pricing' }),
    ]);
    const gz = await bytesOf(
      new Blob([csv])
        .stream()
        .pipeThrough(new CompressionStream('gzip')) as ReadableStream<Uint8Array>,
    );
    const { records, summary } = await collect(new File([gz], 'website_event.csv.gz'));
    expect(summary.files[0]).toMatchObject({
      name: 'website_event.csv',
      table: 'website_event',
      rows: 3,
    });
    expect(find(records, '2024-05-01', '')).toMatchObject({
      visitors: 1,
      visits: 1,
      pageviews: 2,
      bounces: 0,
      visitDurationMs: 300_000,
    });
    expect(find(records, '2024-05-01', 'browser', 'Edge').visits).toBe(1);
    expect(find(records, '2024-05-01', 'os', 'Windows').visits).toBe(1);
    expect(find(records, '2024-05-01', 'region', 'US-CA').visits).toBe(1);
    expect(find(records, '2024-05-01', 'utm_campaign', 'spring').visits).toBe(1);
    expect(find(records, '2024-05-01', 'referrer_class', 'email').visits).toBe(1);
    expect(find(records, '2024-05-01', 'exit_page', '/pricing').visits).toBe(1);
  });

  it('refuses events further out of time order than the limit allows, and bad timestamps', async () => {
    const events: UmamiEvent[] = [
      { session: 's1', visit: 'v1', at: '2024-01-02 12:00:00', path: '/' },
      { session: 's2', visit: 'v2', at: '2024-01-01 08:00:00', path: '/' },
    ];
    const csv = postgresCsv(UMAMI_HEADER, umamiRows(events));
    const error = await refused(text(csv), 'events_out_of_order', { name: 'website_event.csv' });
    expect(error).toMatchObject({
      line: 3,
      column: UMAMI_HEADER.indexOf('created_at') + 1,
      columnName: 'created_at',
    });
    const { records } = await collect(text(csv), {
      name: 'website_event.csv',
      limits: { latenessMs: 2 * 86_400_000 },
    });
    expect(find(records, '2024-01-01', '').visits).toBe(1);
    const bad = postgresCsv(
      UMAMI_HEADER,
      umamiRows([{ session: 's', visit: 'v', at: '2024-01-01T25:00:00Z', path: '/' }]),
    );
    expect(
      await refused(text(bad), 'invalid_timestamp', { name: 'website_event.csv' }),
    ).toMatchObject({ line: 2 });
  });

  it('bounds the open visits and the size of a day, with their own errors', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      session: `s${i}`,
      visit: `v${i}`,
      at: '2024-01-01 10:00:00',
      path: `/${i}`,
    }));
    const csv = text(postgresCsv(UMAMI_HEADER, umamiRows(many)));
    await refused(csv, 'too_many_open_visits', { name: 'w.csv', limits: { maxOpenVisits: 10 } });
    await refused(csv, 'day_too_large', { name: 'w.csv', limits: { maxDayEntries: 100 } });
  });
});
