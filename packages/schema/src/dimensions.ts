/**
 * What reports are broken down by: the dimension names `stats_breakdown` and `p_filters` take
 * (docs/database.md, "Dimensions"), and the zod-free values the Worker and the importers share.
 * Importable as `@sightline/schema/dimensions` by code that must not load zod (browsers, CLIs).
 */
export { LIMITS } from './limits.js';
export { REFERRER_CLASSES, DEVICE_TYPES } from './enriched.js';
export type { ReferrerClass, DeviceType } from './enriched.js';
export { classifyReferrer, referrerSource, type ReferrerSource } from './referrer-class.js';
export { CLICK_ID_PARAMS, UTM_PARAMS, clickIdLabel } from './click-ids.js';

/**
 * The report dimensions: the one place a dimension is named. The report RPCs and the Stats API
 * take these names (`p_dimension`, the keys of `p_filters`); the database generates the SQL that
 * lists them from here (`pnpm --filter @sightline/database gen`), the dashboard takes its
 * breakdowns, labels and cards from here, the importers their targets.
 *
 * Adding a dimension: one entry below (with a new column in a migration when its value is new)
 * and its ground truth in supabase/test/support/truth.ts.
 */
/** Where a dimension's value comes from. */
export type DimensionSource =
  /** a column of public.sessions, fixed at the session's first state */
  | 'session'
  /** a column of public.sessions that follows the session's latest state (the exit page) */
  | 'session_latest'
  /** the pages a session viewed (public.session_pages) */
  | 'page'
  /** the custom events a session sent (public.session_events) */
  | 'event';

export interface DimensionSpec {
  /** What the report RPCs and the dashboard's URLs use. */
  readonly name: string;
  /** The dashboard's title of its breakdown. */
  readonly label: string;
  /** The dashboard card it is a tab of: dimensions with the same card share one. */
  readonly card: string;
  /**
   * Its one-letter prefix in visitor_days keys. Stored in every deployed database: never
   * change or reuse one (a is the site total, q a page within a country).
   */
  readonly key: string;
  readonly source: DimensionSource;
  /** Its column in public.sessions (sources `session` and `session_latest`). */
  readonly column?: string;
}

export const DIMENSION_SPECS = [
  { name: 'page', label: 'Pages', card: 'pages', key: 'b', source: 'page' },
  {
    name: 'entry_page',
    label: 'Entry pages',
    card: 'pages',
    key: 'c',
    source: 'session',
    column: 'entry_path',
  },
  {
    name: 'exit_page',
    label: 'Exit pages',
    card: 'pages',
    key: 'd',
    source: 'session_latest',
    column: 'exit_path',
  },
  {
    name: 'referrer',
    label: 'Referrers',
    card: 'sources',
    key: 'e',
    source: 'session',
    column: 'referrer_host',
  },
  {
    name: 'referrer_class',
    label: 'Channels',
    card: 'sources',
    key: 'f',
    source: 'session',
    column: 'referrer_class',
  },
  {
    name: 'country',
    label: 'Countries',
    card: 'places',
    key: 'g',
    source: 'session',
    column: 'country',
  },
  {
    name: 'region',
    label: 'Regions',
    card: 'places',
    key: 'h',
    source: 'session',
    column: 'region',
  },
  { name: 'city', label: 'Cities', card: 'places', key: 'i', source: 'session', column: 'city' },
  {
    name: 'device',
    label: 'Devices',
    card: 'devices',
    key: 'j',
    source: 'session',
    column: 'device',
  },
  {
    name: 'browser',
    label: 'Browsers',
    card: 'devices',
    key: 'k',
    source: 'session',
    column: 'browser',
  },
  {
    name: 'os',
    label: 'Operating systems',
    card: 'devices',
    key: 'l',
    source: 'session',
    column: 'os',
  },
  {
    name: 'utm_source',
    label: 'UTM source',
    card: 'campaigns',
    key: 'm',
    source: 'session',
    column: 'utm_source',
  },
  {
    name: 'utm_medium',
    label: 'UTM medium',
    card: 'campaigns',
    key: 'n',
    source: 'session',
    column: 'utm_medium',
  },
  {
    name: 'utm_campaign',
    label: 'UTM campaign',
    card: 'campaigns',
    key: 'o',
    source: 'session',
    column: 'utm_campaign',
  },
  {
    name: 'utm_term',
    label: 'UTM term',
    card: 'campaigns',
    key: 'r',
    source: 'session',
    column: 'utm_term',
  },
  {
    name: 'utm_content',
    label: 'UTM content',
    card: 'campaigns',
    key: 's',
    source: 'session',
    column: 'utm_content',
  },
  {
    // The kind of ad click (the click-id parameter's name, e.g. gclid), never the id itself.
    name: 'click_id',
    label: 'Ad clicks',
    card: 'campaigns',
    key: 't',
    source: 'session',
    column: 'click_id',
  },
  { name: 'event', label: 'Custom events', card: 'events', key: 'p', source: 'event' },
] as const satisfies readonly DimensionSpec[];

/** A dimension's name, e.g. `'page'`. */
export type Dimension = (typeof DIMENSION_SPECS)[number]['name'];

/** Every breakdown dimension's name, in the order the reports list them. */
export const DIMENSIONS: readonly Dimension[] = DIMENSION_SPECS.map((d) => d.name);

/** @example isDimension('page') // true */
export function isDimension(value: string): value is Dimension {
  return DIMENSION_SPECS.some((d) => d.name === value);
}
