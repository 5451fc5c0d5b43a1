import { describe, expect, it } from 'vitest';
import { collect } from '../src/testing.js';
import { clickhouseCsv, plausibleFiles, plausibleZip, RANGE } from './fixtures.js';
import { find, refused, text } from './helpers.js';

describe('Plausible CSV export', () => {
  it('reads every table of the zip into daily records with Sightline values', async () => {
    const { records, summary } = await collect(await plausibleZip(plausibleFiles()), {
      name: 'plausible_io_20240103.zip',
    });
    expect(summary.format).toBe('plausible');
    expect(summary.files).toHaveLength(10);
    expect(summary.firstDay).toBe('2024-01-01');
    expect(summary.lastDay).toBe('2024-01-02');
    expect(summary.timeZone).toBeNull();
    expect(find(records, '2024-01-01', '')).toMatchObject({
      kind: 'total',
      visitors: 119,
      visits: 134,
      pageviews: 304,
      bounces: 77,
      visitDurationMs: 21_070_000,
      engagedMs: null,
      events: null,
    });
    // Sources: the host of `referrer`, rows of one host summed; the class as the Worker gives it.
    expect(find(records, '2024-01-01', 'referrer', 'github.com')).toMatchObject({
      visitors: 4,
      visits: 4,
      pageviews: 4,
      bounces: 4,
    });
    expect(find(records, '2024-01-01', 'referrer_class', 'search')).toMatchObject({ visits: 26 });
    expect(find(records, '2024-01-01', 'referrer_class', 'email')).toMatchObject({ visits: 1 });
    expect(find(records, '2024-01-01', 'utm_medium', 'email')).toMatchObject({ visits: 1 });
    expect(find(records, '2024-01-02', 'referrer_class', 'direct')).toMatchObject({ visits: 21 });
    // Pages: hostnames summed; engaged time from total_time_on_page (seconds); no bounces.
    expect(find(records, '2024-01-01', 'page', '/docs')).toMatchObject({
      visitors: 9,
      visits: 10,
      pageviews: 12,
      bounces: null,
      engagedMs: 125_000,
    });
    expect(find(records, '2024-01-01', 'entry_page', '/docs')).toMatchObject({
      visits: 29,
      bounces: 13,
      visitDurationMs: 3_573_000,
    });
    expect(find(records, '2024-01-01', 'exit_page', '/docs')).toMatchObject({
      visits: 14,
      pageviews: 23,
    });
    // Custom events: link_url and path summed into the event name.
    expect(find(records, '2024-01-01', 'event', 'Outbound Link: Click')).toMatchObject({
      visitors: 3,
      events: 3,
      visits: null,
      pageviews: null,
    });
    // Locations: ISO region codes, GeoNames ids until a resolver names them.
    expect(find(records, '2024-01-01', 'country', 'DE')).toMatchObject({ visitors: 3, visits: 4 });
    expect(find(records, '2024-01-01', 'region', 'DE-BY')).toMatchObject({ visits: 2 });
    expect(find(records, '2024-01-01', 'city', 'geonames:2929831')).toMatchObject({ visits: 2 });
    expect(find(records, '2024-01-01', 'city', '')).toMatchObject({ visits: 2 });
    expect(find(records, '2024-01-01', 'device', 'desktop')).toMatchObject({
      visitors: 108,
      visits: 121,
    });
    expect(find(records, '2024-01-01', 'browser', 'Chrome')).toMatchObject({
      visitors: 56,
      visits: 63,
      bounces: 42,
    });
    expect(find(records, '2024-01-01', 'browser', 'Edge')).toMatchObject({ visits: 1 });
    expect(find(records, '2024-01-01', 'os', 'macOS')).toMatchObject({ visits: 1 });
    expect(find(records, '2024-01-01', 'os', 'Linux')).toMatchObject({ visits: 2 });
    expect(find(records, '2024-01-01', 'os', '')).toMatchObject({ pageviews: 24 });
    // Keys are unique and hashes are what the key and measures say.
    expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
    expect(summary.records).toBe(records.length);
  });

  it('names regions and cities with the resolvers given', async () => {
    const { records } = await collect(await plausibleZip(plausibleFiles()), {
      regionName: (code) => (code === 'DE-BY' ? 'Bavaria' : undefined),
      cityName: (id) => (id === 2929831 ? 'Freiburg' : undefined),
    });
    expect(find(records, '2024-01-01', 'region', 'Bavaria').visits).toBe(2);
    expect(find(records, '2024-01-01', 'region', 'DE-BW').visits).toBe(2);
    expect(find(records, '2024-01-01', 'city', 'Freiburg').visits).toBe(2);
  });

  it('gives the same content hash whatever the file order, compression and row order within a day', async () => {
    const files = plausibleFiles();
    const a = await collect(await plausibleZip(files));
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const browsers = `imported_browsers_${RANGE}.csv`;
    const lines = files[browsers]!.trimEnd().split('\n');
    reversed[browsers] = [lines[0], ...lines.slice(1).reverse()].join('\n') + '\n';
    const b = await collect(await plausibleZip(reversed, 'deflate'));
    expect(b.summary.contentHash).toBe(a.summary.contentHash);
    expect(b.records.map((r) => r.hash).sort()).toEqual(a.records.map((r) => r.hash).sort());
    const changed = {
      ...files,
      [`imported_visitors_${RANGE}.csv`]: files[`imported_visitors_${RANGE}.csv`]!.replace(
        '119',
        '118',
      ),
    };
    expect((await collect(await plausibleZip(changed))).summary.contentHash).not.toBe(
      a.summary.contentHash,
    );
  });

  it("reads the older layouts of Plausible's own importer tests (fewer columns)", async () => {
    // Columns as in Plausible's CSVImporterTest: no referrer, pageviews or versions yet.
    const files = {
      'imported_browsers_20211230_20211231.csv': clickhouseCsv(
        ['date', 'browser', 'visitors', 'visits', 'visit_duration', 'bounces'],
        [
          ['2021-12-30', 'Amazon Silk', 2, 2, 0, 2],
          ['2021-12-31', 'Chrome', 24, 25, 75, 23],
        ],
      ),
      'imported_exit_pages_20211230_20211231.csv': clickhouseCsv(
        ['date', 'visitors', 'exits', 'exit_page'],
        [['2021-12-30', 6, 6, '/14776416252794997127']],
      ),
      'imported_pages_20211230_20220101.csv': clickhouseCsv(
        ['date', 'visitors', 'pageviews', 'hostname', 'page'],
        [['2021-12-30', 1, 1, 'lucky.numbers.com', '/1']],
      ),
      'imported_sources_20211230_20220106.csv': clickhouseCsv(
        [
          'date',
          'source',
          'utm_medium',
          'utm_campaign',
          'utm_content',
          'utm_term',
          'visitors',
          'visits',
          'visit_duration',
          'bounces',
        ],
        [['2021-12-30', 'Hacker News', 'referral', '', '', '', 2, 2, 0, 2]],
      ),
    };
    const { records, summary } = await collect(await plausibleZip(files));
    expect(summary.firstDay).toBe('2021-12-30');
    expect(find(records, '2021-12-30', 'browser', 'Amazon Silk')).toMatchObject({
      visits: 2,
      pageviews: null,
    });
    expect(find(records, '2021-12-30', 'exit_page', '/14776416252794997127')).toMatchObject({
      visits: 6,
      bounces: null,
      visitDurationMs: null,
    });
    expect(find(records, '2021-12-30', 'page', '/1')).toMatchObject({
      visits: null,
      engagedMs: null,
    });
    expect(find(records, '2021-12-30', 'referrer', 'news.ycombinator.com')).toMatchObject({
      visits: 2,
    });
    expect(find(records, '2021-12-30', 'referrer_class', 'social')).toMatchObject({ visits: 2 });
  });

  it('reads a loose CSV named as Plausible names its files, and reports unused columns', async () => {
    const csv = clickhouseCsv(
      ['date', 'device', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews', 'channel'],
      [['2024-01-01', 'Tablet', 1, 1, 65, 0, 4, 'Direct']],
    );
    const file = new File([csv], 'imported_devices_20240101_20240101.csv');
    const { records, summary } = await collect(file);
    expect(find(records, '2024-01-01', 'device', 'tablet').pageviews).toBe(4);
    expect(summary.files[0]!.ignoredColumns).toEqual(['channel']);
  });

  it('refuses repeated rows unless asked to sum them as Plausible does', async () => {
    // Plausible's own importer test data repeats ("Mobile App" three times on one day).
    const csv = clickhouseCsv(
      ['date', 'browser', 'visitors', 'visits', 'visit_duration', 'bounces'],
      [
        ['2021-12-30', 'Mobile App', 2, 2, 0, 2],
        ['2021-12-30', 'Mobile App', 4, 4, 0, 4],
      ],
    );
    const name = 'imported_browsers_20211230_20211230.csv';
    const error = await refused(text(csv), 'duplicate_row', { name });
    expect(error).toMatchObject({ file: name, line: 3 });
    const { records } = await collect(text(csv), { name, duplicates: 'sum' });
    expect(find(records, '2021-12-30', 'browser', 'Mobile App').visits).toBe(6);
  });

  it('refuses rows out of date order, outside the file name range, and inconsistent bounces', async () => {
    const header = ['date', 'visitors', 'pageviews', 'bounces', 'visits', 'visit_duration'];
    const name = 'imported_visitors_20240101_20240131.csv';
    expect(
      await refused(
        text(
          clickhouseCsv(header, [
            ['2024-01-02', 1, 1, 1, 1, 0],
            ['2024-01-01', 1, 1, 1, 1, 0],
          ]),
        ),
        'unsorted_dates',
        { name },
      ),
    ).toMatchObject({ line: 3, column: 1, columnName: 'date' });
    expect(
      await refused(
        text(clickhouseCsv(header, [['2024-02-01', 1, 1, 1, 1, 0]])),
        'date_outside_file_range',
        { name },
      ),
    ).toMatchObject({ line: 2, column: 1 });
    expect(
      await refused(
        text(clickhouseCsv(header, [['2024-01-01', 1, 1, 5, 1, 0]])),
        'inconsistent_measures',
        { name },
      ),
    ).toMatchObject({ line: 2, column: 4, columnName: 'bounces' });
    await refused(text('date\n'), 'invalid_file_name', {
      name: 'imported_visitors_20240231_20240301.csv',
    });
  });

  it('refuses the dashboard download (period totals, not days), unknown CSVs in the zip, and skips junk', async () => {
    const dashboard = await plausibleZip({
      'visitors.csv': 'date,visitors\n2024-01-01,1\n',
      'sources.csv': 'name,visitors\nGoogle,1\n',
    });
    expect((await refused(dashboard, 'unsupported_export')).file).toBe('visitors.csv');
    await refused(
      await plausibleZip({ ...plausibleFiles(), 'notes.csv': 'a,b\n1,2\n' }),
      'unknown_file',
    );
    const { summary } = await collect(
      await plausibleZip({
        '__MACOSX/._x.csv': '\u0000\u0005',
        'README.txt': 'hello',
        ...plausibleFiles(),
      }),
    );
    expect(summary.skipped).toEqual(['__MACOSX/._x.csv', 'README.txt']);
  });

  it('refuses the same table for the same days in two files', async () => {
    const files = plausibleFiles();
    const visitors = files[`imported_visitors_${RANGE}.csv`]!;
    const error = await refused(
      await plausibleZip({ ...files, 'more/imported_visitors_20240101_20240102.csv': visitors }),
      'overlapping_files',
    );
    expect(error.file).toBe('more/imported_visitors_20240101_20240102.csv');
  });
  it("caps values to Sightline's limits (page 1,024, event name 64) without splitting a character", async () => {
    const long = `/${'a'.repeat(1022)}\u{1F600}tail`; // the emoji straddles the 1,024th unit
    const pages = clickhouseCsv(
      ['date', 'hostname', 'page', 'visitors', 'pageviews'],
      [['2024-01-01', 'x.org', long, 1, 1]],
    );
    const events = clickhouseCsv(
      ['date', 'name', 'link_url', 'path', 'visitors', 'events'],
      [['2024-01-01', 'e'.repeat(100), '', '', 1, 2]],
    );
    const { records } = await collect(
      await plausibleZip({
        [`imported_pages_${RANGE}.csv`]: pages,
        [`imported_custom_events_${RANGE}.csv`]: events,
      }),
    );
    const page = records.find((r) => r.dimension === 'page')!;
    expect(page.value).toBe(long.slice(0, 1023));
    expect(records.find((r) => r.dimension === 'event')!.value).toBe('e'.repeat(64));
  });
});
