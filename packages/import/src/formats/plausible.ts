/**
 * Plausible's CSV export: the zip of `imported_*` tables that Settings → Imports & Exports →
 * "Export to CSV" produces (Plausible Cloud and Community Edition), also accepted as loose CSV
 * files named as Plausible's importer requires: `[imported_]<table>_<YYYYMMDD>_<YYYYMMDD>.csv`.
 * Columns are matched by name, as Plausible's importer does (ClickHouse `CSVWithNames`), so older
 * exports with fewer columns read too; what each table must have is listed in the README.
 */
import { classifyReferrer } from '@sightline/schema/dimensions';
import { ImportError } from '../errors.js';
import type { RowView, TableSpec } from '../table-reader.js';
import { browser, CAPS, country, device, os, referrerHost, sourceHost } from '../normalize.js';
import { cap, parseCompactDay } from '../values.js';

export interface PlausibleNames {
  /** A region's name for its ISO 3166-2 code (`DE-BY`); without it the code is the value. */
  regionName?: (code: string) => string | undefined;
  /** A city's name for its GeoNames id; without it the value is `geonames:<id>`. */
  cityName?: (geonameId: number, country: string) => string | undefined;
}

const TABLES = [
  'visitors',
  'sources',
  'pages',
  'entry_pages',
  'exit_pages',
  'custom_events',
  'locations',
  'devices',
  'browsers',
  'operating_systems',
] as const;
type Table = (typeof TABLES)[number];

const NAME = new RegExp(`^(?:imported_)?(${TABLES.join('|')})(?:_(\\d{8})_(\\d{8}))?\\.csv$`);

/** The table and day range a file name gives; null when it is not a Plausible file name. */
export function plausibleFile(
  path: string,
): { table: Table; range: { first: string; last: string } | null } | null {
  const m = NAME.exec(basename(path));
  // Without a range only the `imported_` prefix says it is Plausible's (`visitors.csv` is the
  // dashboard download's).
  if (!m || (!m[2] && !basename(path).startsWith('imported_'))) return null;
  const table = m[1] as Table;
  if (!m[2]) return { table, range: null };
  let first: string;
  let last: string;
  try {
    first = parseCompactDay(m[2]);
    last = parseCompactDay(m[3]!);
  } catch (cause) {
    throw new ImportError(
      'invalid_file_name',
      `the dates in the file name are not valid`,
      { file: path },
      { cause },
    );
  }
  if (first > last)
    throw new ImportError('invalid_file_name', `the file name's range ends before it starts`, {
      file: path,
    });
  return { table, range: { first, last } };
}

/** Files of the other zip Plausible offers (the dashboard's download of one view): totals over
 * the whole period, not per day, so they cannot become daily history. */
export const PLAUSIBLE_DASHBOARD_FILES = new Set([
  'visitors.csv',
  'sources.csv',
  'channels.csv',
  'utm_mediums.csv',
  'utm_sources.csv',
  'utm_campaigns.csv',
  'pages.csv',
  'entry_pages.csv',
  'exit_pages.csv',
  'countries.csv',
  'regions.csv',
  'cities.csv',
  'browsers.csv',
  'operating_systems.csv',
  'devices.csv',
  'conversions.csv',
  'custom_props.csv',
]);

export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

const col = (name: string, required = false) => ({ name, required });
const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
/** Measures every session-based table has (visits, bounces, duration, page views). */
const SESSION = [
  col('visitors', true),
  col('visits', true),
  col('visit_duration'),
  col('bounces'),
  col('pageviews'),
];

/** The table spec of one Plausible table. */
export function plausibleSpec(table: Table, names: PlausibleNames = {}): TableSpec {
  const spec = SPECS[table](names);
  return { ...spec, table: `imported_${table}` };
}

type Spec = Omit<TableSpec, 'table'>;

const sessionMeasures = (row: RowView, visits = 'visits') => ({
  visitors: row.count('visitors'),
  visits: row.count(visits),
  pageviews: row.count('pageviews'),
  bounces: row.count('bounces'),
  visitDurationMs: ms(row.count('visit_duration')),
});

const SPECS: Record<Table, (names: PlausibleNames) => Spec> = {
  visitors: () => ({
    keys: [],
    measures: [
      col('visitors', true),
      col('pageviews', true),
      col('bounces', true),
      col('visits', true),
      col('visit_duration', true),
    ],
    contribute: (row, add) => add('', '', sessionMeasures(row)),
  }),
  sources: () => ({
    keys: [
      col('source', true),
      col('referrer'),
      col('utm_source'),
      col('utm_medium'),
      col('utm_campaign'),
      col('utm_content'),
      col('utm_term'),
    ],
    measures: SESSION,
    unused: ['channel'],
    contribute(row, add) {
      const m = sessionMeasures(row);
      const host = row.text('referrer')
        ? referrerHost(row.text('referrer'))
        : sourceHost(row.text('source'));
      const medium = cap(row.text('utm_medium'), CAPS.utm);
      const campaign = cap(row.text('utm_campaign'), CAPS.utm);
      const utmSource = cap(row.text('utm_source'), CAPS.utm);
      add('referrer', host, m);
      add('referrer_class', classifyReferrer(host, medium, Boolean(utmSource || campaign)), m);
      add('utm_source', utmSource, m);
      add('utm_medium', medium, m);
      add('utm_campaign', campaign, m);
    },
  }),
  pages: () => ({
    keys: [col('page', true), col('hostname')],
    measures: [
      col('visitors', true),
      col('pageviews', true),
      col('visits'),
      col('time_on_page'),
      col('total_time_on_page'),
    ],
    nullable: ['time_on_page', 'total_time_on_page'],
    unused: [
      'exits',
      'scroll_depth',
      'pageleave_visitors',
      'total_scroll_depth',
      'total_scroll_depth_visits',
      'total_time_on_page_visits',
    ],
    contribute(row, add) {
      // `total_time_on_page` (seconds) since Plausible's engagement-based time on page; older
      // exports had `time_on_page`, also a total in seconds.
      const seconds = row.count('total_time_on_page') ?? row.count('time_on_page');
      add('page', cap(row.text('page'), CAPS.page), {
        visitors: row.count('visitors'),
        visits: row.count('visits'),
        pageviews: row.count('pageviews'),
        engagedMs: ms(seconds),
      });
    },
  }),
  entry_pages: () => ({
    keys: [col('entry_page', true)],
    measures: [
      col('visitors', true),
      col('entrances', true),
      col('visit_duration'),
      col('bounces'),
      col('pageviews'),
    ],
    contribute: (row, add) =>
      add('entry_page', cap(row.text('entry_page'), CAPS.page), sessionMeasures(row, 'entrances')),
  }),
  exit_pages: () => ({
    keys: [col('exit_page', true)],
    measures: [
      col('visitors', true),
      col('exits', true),
      col('visit_duration'),
      col('bounces'),
      col('pageviews'),
    ],
    contribute: (row, add) =>
      add('exit_page', cap(row.text('exit_page'), CAPS.page), sessionMeasures(row, 'exits')),
  }),
  custom_events: () => ({
    keys: [col('name', true), col('link_url'), col('path')],
    measures: [col('visitors', true), col('events', true)],
    contribute(row, add) {
      const name = row.text('name');
      // Plausible's own event names, not custom events.
      if (name === 'pageview' || name === 'engagement') return;
      add('event', cap(name, CAPS.event), {
        visitors: row.count('visitors'),
        events: row.count('events'),
      });
    },
  }),
  locations: (names) => ({
    keys: [col('country', true), col('region'), col('city')],
    measures: SESSION,
    contribute(row, add) {
      const m = sessionMeasures(row);
      const code = country(row.text('country'));
      const region = row.text('region').trim();
      const cityText = row.text('city').trim();
      const geonameId = cityText === '' ? 0 : row.count('city')!;
      add('country', code, m);
      add('region', region ? cap(names.regionName?.(region) ?? region, CAPS.geo) : '', m);
      add(
        'city',
        geonameId
          ? cap(names.cityName?.(geonameId, code) ?? `geonames:${geonameId}`, CAPS.geo)
          : '',
        m,
      );
    },
  }),
  devices: () => ({
    keys: [col('device', true)],
    measures: SESSION,
    contribute: (row, add) => add('device', device(row.text('device')), sessionMeasures(row)),
  }),
  browsers: () => ({
    keys: [col('browser', true), col('browser_version')],
    measures: SESSION,
    contribute: (row, add) => add('browser', browser(row.text('browser')), sessionMeasures(row)),
  }),
  operating_systems: () => ({
    keys: [col('operating_system', true), col('operating_system_version')],
    measures: SESSION,
    contribute: (row, add) => add('os', os(row.text('operating_system')), sessionMeasures(row)),
  }),
};
