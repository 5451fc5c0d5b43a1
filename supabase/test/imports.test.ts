// Imports of analytics history against the devstack's Postgres + PostgREST: imported figures in
// the reports (overview, time series, breakdowns), importing twice changing nothing, deleting
// an import, the overlap rule with the site's own data, who may import, and malformed batches
// refused with a stable code.
import { ImportError } from '@sightline/import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importExport, ImportRequestError } from '../src/import-export.js';
import { ownerAndViewer } from './support/accounts.js';
import {
  importBytes,
  plausibleFiles,
  serviceTarget,
  userTarget,
  zipOf,
} from './support/imports.js';
import { rpc, rpcError } from './support/rpc.js';
import { createSite, startTestStack, type TestStack, type TestUser } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;
/** The records of the import into "twice" (site totals, pages, geography of three days). */
let twiceRecords = 0;

const DAYS = ['2024-03-01', '2024-03-02', '2024-03-03'];
const range = (from: string, to: string) => ({
  p_from: `${from}T00:00:00Z`,
  p_to: `${to}T00:00:00Z`,
});

interface Overview {
  previous?: unknown;
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number;
  engaged_ms: number;
  imported?: { included: boolean; days: number; first_day: string | null; not_in: string[] };
}
interface BreakdownRow {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number | null;
  engaged_ms: number;
}
interface SeriesRow {
  bucket: string;
  visitors: number;
  visits: number;
  pageviews: number;
}

/** The overview, with the note on imported days the dashboard shows beside it. */
const overview = async (site: string, from: string, to: string, filters = {}) => {
  const args = { p_site: site, ...range(from, to), p_filters: filters };
  return {
    ...(await rpc<Overview>(t.service, 'stats_overview', args)),
    imported: await rpc<Overview['imported']>(t.service, 'stats_imported', args),
  };
};
const pages = (site: string, from: string, to: string) =>
  rpc<BreakdownRow[]>(t.service, 'stats_breakdown', {
    p_site: site,
    p_dimension: 'page',
    ...range(from, to),
  });
const series = (site: string, from: string, to: string) =>
  rpc<SeriesRow[]>(t.service, 'stats_timeseries', {
    p_site: site,
    ...range(from, to),
    p_resolution: 'day',
  });
const importCount = async (site: string) =>
  (
    await t.db.query<{ imports: string; rows: string }>(
      `select (select count(*) from public.imports where site_id = $1) as imports,
              (select count(*) from public.imported_rollups where site_id = $1) as rows`,
      [site],
    )
  ).rows[0]!;

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
  for (const id of ['plain', 'twice', 'overlap', 'bad']) await createSite(t.db, { id });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('imports', () => {
  it('a Plausible export lands in the overview, the time series and the page breakdown', async () => {
    const result = await importBytes(serviceTarget(t), 'plain', await zipOf(plausibleFiles(DAYS)));
    expect(result).toMatchObject({
      duplicate: false,
      format: 'plausible',
      days: 3,
      first_day: '2024-03-01',
      last_day: '2024-03-03',
    });
    expect(result.dimensions).toEqual(expect.arrayContaining(['page', 'country', 'region']));

    const o = await overview('plain', '2024-03-01', '2024-03-04');
    // Visitors of several imported days can only be summed (an upper bound).
    expect(o).toMatchObject({ visitors: 300, visits: 360, pageviews: 900, bounce_rate: 0.5 });
    // No engaged time in Plausible's totals: the visit duration stands in for it.
    expect(o.engaged_ms).toBe(3 * 6000 * 1000);
    expect(o.imported).toMatchObject({ included: true, days: 3, first_day: '2024-03-01' });
    expect(o.imported?.not_in).toContain('funnels');

    expect(await pages('plain', '2024-03-02', '2024-03-03')).toEqual([
      {
        value: '/docs',
        visitors: 40,
        visits: 45,
        pageviews: 90,
        bounce_rate: 0,
        engaged_ms: 900_000,
      },
      {
        value: '/pricing',
        visitors: 10,
        visits: 11,
        pageviews: 12,
        bounce_rate: 0,
        engaged_ms: 60_000,
      },
    ]);
    const days = await series('plain', '2024-02-29', '2024-03-04');
    expect(days.map((d) => [d.bucket.slice(0, 10), d.visitors, d.pageviews])).toEqual([
      ['2024-02-29', 0, 0],
      ['2024-03-01', 100, 300],
      ['2024-03-02', 100, 300],
      ['2024-03-03', 100, 300],
    ]);
    // A filter the daily rollups answer uses them too.
    expect(await overview('plain', '2024-03-01', '2024-03-02', { country: 'DE' })).toMatchObject({
      visitors: 30,
      visits: 35,
    });
    // Hours cannot come from days: a range that is not whole days says the import is not in it.
    const hoursArgs = {
      p_site: 'plain',
      p_from: '2024-03-01T06:00:00Z',
      p_to: '2024-03-02T06:00:00Z',
    };
    const hours = {
      ...(await rpc<Overview>(t.service, 'stats_overview', hoursArgs)),
      imported: await rpc<Overview['imported']>(t.service, 'stats_imported', hoursArgs),
    };
    expect(hours).toMatchObject({ visits: 0, imported: { included: false, days: 2 } });
  });

  it('an Umami event export becomes days in the site’s time zone', async () => {
    await createSite(t.db, { id: 'umami', timezone: 'Europe/Berlin' });
    // Umami's website_event view as its import guide writes it (times in UTC): two visits on
    // 2024-04-02 Berlin time (one at 23:30 UTC the day before), one bounce.
    const csv = [
      'session_id,visit_id,created_at,url_path,event_type,event_name,referrer_domain,country',
      's1,v1,2024-04-01 22:30:00,/,1,,news.ycombinator.com,DE',
      's1,v1,2024-04-01 22:31:00,/docs,1,,,DE',
      's1,v1,2024-04-01 22:32:00,/docs,2,signup,,DE',
      's2,v2,2024-04-02 09:00:00,/pricing,1,,,FR',
    ].join('\n');
    const result = await importExport(serviceTarget(t), {
      input: new TextEncoder().encode(csv + '\n'),
      name: 'umami.csv',
      site: 'umami',
    });
    expect(result).toMatchObject({ format: 'umami', days: 1, first_day: '2024-04-02' });
    const o = await rpc<Overview>(t.service, 'stats_overview', {
      p_site: 'umami',
      p_from: '2024-04-01T22:00:00Z',
      p_to: '2024-04-02T22:00:00Z',
    });
    expect(o).toMatchObject({ visitors: 2, visits: 2, pageviews: 3, bounce_rate: 0.5 });
    const events = await rpc<BreakdownRow[]>(t.service, 'stats_breakdown', {
      p_site: 'umami',
      p_dimension: 'event',
      p_from: '2024-04-01T22:00:00Z',
      p_to: '2024-04-02T22:00:00Z',
    });
    expect(events).toEqual([
      { value: 'signup', visitors: 1, visits: 1, pageviews: 1, bounce_rate: null, engaged_ms: 0 },
    ]);
  });

  it('importing the same export twice changes nothing', async () => {
    const bytes = await zipOf(plausibleFiles(DAYS));
    const first = await importBytes(serviceTarget(t), 'twice', bytes, 'a.zip');
    twiceRecords = first.records;
    const before = [
      await overview('twice', '2024-03-01', '2024-03-04'),
      await importCount('twice'),
    ];
    // The same data in a zip written again (another file name, deflated) is the same import.
    const again = await importBytes(
      serviceTarget(t),
      'twice',
      new Uint8Array(
        await new Response(
          (await import('@sightline/import')).writeZip(
            Object.entries(plausibleFiles(DAYS)).map(([name, data]) => ({ name, data })),
            { method: 'deflate' },
          ),
        ).arrayBuffer(),
      ),
      'b.zip',
    );
    expect(again).toMatchObject({ duplicate: true, id: first.id });
    expect([
      await overview('twice', '2024-03-01', '2024-03-04'),
      await importCount('twice'),
    ]).toEqual(before);
  });

  it('an import whose days overlap another import is refused until that one is deleted', async () => {
    const overlapping = await zipOf(plausibleFiles(['2024-03-03', '2024-03-04'], 2));
    const first = await importBytes(serviceTarget(t), 'twice', overlapping, 'c.zip').catch(
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(ImportRequestError);
    expect((first as ImportRequestError).code).toBe('import_overlap');
    // The refused import left nothing behind.
    expect(await importCount('twice')).toEqual({ imports: '1', rows: String(twiceRecords) });
    const [earlier] = await rpc<{ id: string }[]>(t.service, 'imports_of', { p_site: 'twice' });
    await rpc(t.service, 'delete_import', { p_import: earlier!.id });
    const later = await importBytes(serviceTarget(t), 'twice', overlapping, 'c.zip');
    expect(later).toMatchObject({ duplicate: false, days: 2, first_day: '2024-03-03' });
    expect((await overview('twice', '2024-03-01', '2024-03-05')).visits).toBe(2 * 240);
  });

  it('deleting an import takes its figures away', async () => {
    const [listed] = await rpc<{ id: string; file_name: string; status: string }[]>(
      owner.rest,
      'imports_of',
      { p_site: 'shop' },
    ).then(async (none) => {
      expect(none).toEqual([]);
      await importBytes(
        userTarget(t, owner),
        'shop',
        await zipOf(plausibleFiles(DAYS)),
        'shop.zip',
      );
      return rpc<{ id: string; file_name: string; status: string }[]>(viewer.rest, 'imports_of', {
        p_site: 'shop',
      });
    });
    expect(listed).toMatchObject({ file_name: 'shop.zip', status: 'complete' });
    expect((await overview('shop', '2024-03-01', '2024-03-04')).visits).toBe(360);
    await rpc(owner.rest, 'delete_import', { p_import: listed!.id });
    const o = await overview('shop', '2024-03-01', '2024-03-04');
    expect(o).toMatchObject({ visitors: 0, visits: 0, imported: { included: false, days: 0 } });
    expect(await pages('shop', '2024-03-01', '2024-03-04')).toEqual([]);
    expect(await importCount('shop')).toEqual({ imports: '0', rows: '0' });
  });

  it('imported days count only before the site’s own first day', async () => {
    // Native traffic from 2024-03-03 00:00 UTC for two days.
    const traffic = generateTraffic({
      siteId: 'overlap',
      seed: 7,
      startMs: Date.parse('2024-03-03T00:00:00Z'),
      spanMs: 2 * 86_400_000,
      visitors: 20,
      sessions: 60,
    });
    for (const batch of toBatches(traffic, 100))
      await rpc(t.service, 'ingest_batch', { payload: batch });
    const native = await overview('overlap', '2024-03-03', '2024-03-05');
    await importBytes(
      serviceTarget(t),
      'overlap',
      await zipOf(plausibleFiles(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'])),
    );
    // The imported 03-03 and 03-04 are not counted: the site's own data wins from its first day
    // (the previous period, 03-01 and 03-02, is imported days).
    const after = await overview('overlap', '2024-03-03', '2024-03-05');
    expect({ ...after, previous: undefined, imported: undefined }).toEqual({
      ...native,
      previous: undefined,
      imported: undefined,
    });
    expect(after.imported).toMatchObject({ included: false, days: 0 });
    expect(after.previous).toMatchObject({ visits: 240, pageviews: 600 });
    const all = await overview('overlap', '2024-03-01', '2024-03-05');
    expect(all.visits).toBe(native.visits + 2 * 120);
    expect(all.imported).toMatchObject({ included: true, days: 2, first_day: '2024-03-01' });
    const days = await series('overlap', '2024-03-01', '2024-03-05');
    expect(days.map((d) => d.visits)).toEqual([
      120,
      120,
      ...(await series('overlap', '2024-03-03', '2024-03-05')).map((d) => d.visits),
    ]);
    const [list] = await rpc<{ native_from: string }[]>(t.service, 'imports_of', {
      p_site: 'overlap',
    });
    expect(list?.native_from).toBe('2024-03-03');
  });

  it('only owners and admins import or delete; members read the list; nobody reads the rows', async () => {
    const bytes = await zipOf(plausibleFiles(['2024-05-01']));
    const stranger = await t.user('stranger');
    for (const [user, code] of [
      [viewer, 'not_allowed'],
      [stranger, 'not_readable'],
    ] as const) {
      const error = await importBytes(userTarget(t, user), 'shop', bytes).catch((e: unknown) => e);
      // The viewer may read the site and finds it; the stranger does not even see it.
      expect((error as ImportRequestError).code).toBe(user === viewer ? code : 'site_not_found');
      expect(
        (await rpcError(user.rest, 'begin_import', { p_site: 'shop', p_file_name: 'x.zip' }))
          .details,
      ).toBe(code);
    }
    const service = await t.dashboard(['shop']);
    expect(
      (await rpcError(service, 'begin_import', { p_site: 'shop', p_file_name: 'x' })).details,
    ).toBe('sign_in_required');
    const done = await importBytes(userTarget(t, owner), 'shop', bytes);
    expect((await rpcError(viewer.rest, 'delete_import', { p_import: done.id })).details).toBe(
      'not_allowed',
    );
    expect((await rpcError(stranger.rest, 'imports_of', { p_site: 'shop' })).details).toBe(
      'not_readable',
    );
    const rows = await viewer.rest.from('imported_rollups').select('*');
    expect(rows.error?.code).toBe('42501');
    expect((await viewer.rest.from('imports').select('id')).data).toEqual([{ id: done.id }]);
    expect((await stranger.rest.from('imports').select('id')).data).toEqual([]);
    expect((await t.anon.from('imports').select('id')).error?.code).toBe('42501');
    // The note on imported days is a report: only readers of the site get it.
    const note = { p_site: 'shop', ...range('2024-05-01', '2024-05-02') };
    expect(await rpc(viewer.rest, 'stats_imported', note)).toMatchObject({ included: true });
    expect((await rpcError(stranger.rest, 'stats_imported', note)).code).toBe('42501');
  });

  it('refuses a malformed batch whole, with a stable code, and reports no staging rows', async () => {
    const id = await rpc<string>(t.service, 'begin_import', {
      p_site: 'bad',
      p_file_name: 'x.csv',
    });
    const good = {
      day: '2024-01-01',
      dimension: '',
      value: '',
      visitors: 1,
      visits: 1,
      pageviews: 1,
      bounces: 1,
    };
    const cases: [unknown, string, RegExp][] = [
      [{ not: 'an array' }, 'invalid_record', /array/],
      [[good, { ...good, day: '2024-02-30' }], 'invalid_record', /record 1 .*day/],
      [[{ ...good, dimension: 'shoe_size', value: '44' }], 'invalid_record', /unknown dimension/],
      [[{ ...good, visits: -1 }], 'invalid_record', /whole number/],
      [[{ ...good, pageviews: 1.5 }], 'invalid_record', /whole number/],
      [[{ ...good, bounces: 2 }], 'invalid_record', /more bounces/],
      [[{ ...good, value: 'x' }], 'invalid_record', /site total/],
      [[{ ...good, dimension: 'page', value: 'x'.repeat(2049) }], 'invalid_record', /2048/],
      [Array.from({ length: 10_001 }, () => good), 'batch_too_large', /10000/],
    ];
    for (const [records, code, message] of cases) {
      const error = await rpcError(t.service, 'import_records', {
        p_import: id,
        p_records: records,
      });
      expect([error.status, error.details]).toEqual([400, code]);
      expect(error.message).toMatch(message);
    }
    expect(await importCount('bad')).toEqual({ imports: '1', rows: '0' });
    // Staged rows are in no report until the import is committed.
    expect(await rpc(t.service, 'import_records', { p_import: id, p_records: [good] })).toBe(1);
    expect((await overview('bad', '2024-01-01', '2024-01-02')).visits).toBe(0);
    const bad = await rpcError(t.service, 'commit_import', {
      p_import: id,
      p_format: 'plausible',
      p_content_hash: 'nope',
    });
    expect(bad.details).toBe('invalid_import');
    await rpc(t.service, 'commit_import', {
      p_import: id,
      p_format: 'plausible',
      p_content_hash: 'a'.repeat(64),
    });
    expect((await overview('bad', '2024-01-01', '2024-01-02')).visits).toBe(1);
    expect(
      (await rpcError(t.service, 'import_records', { p_import: id, p_records: [good] })).details,
    ).toBe('not_staging');
  });

  it('deleting a site deletes its imports and their rows', async () => {
    expect(Number((await importCount('plain')).rows)).toBeGreaterThan(0);
    await t.db.query("delete from public.sites where id = 'plain'");
    expect(await importCount('plain')).toEqual({ imports: '0', rows: '0' });
  });

  it('a malformed file is refused with its place and leaves nothing behind', async () => {
    const files = plausibleFiles(['2024-06-01']);
    const name = Object.keys(files).find((n) => n.startsWith('imported_pages'))!;
    files[name] = files[name]!.replace('"/pricing",11,10,12', '"/pricing",11,10,1.5');
    const error = await importBytes(serviceTarget(t), 'bad', await zipOf(files)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'invalid_number', file: name, line: 3, column: 6 });
    expect(await importCount('bad')).toEqual({ imports: '1', rows: '1' });
  });
});
