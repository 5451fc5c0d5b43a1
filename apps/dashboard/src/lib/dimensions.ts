/** The breakdown dimensions `stats_breakdown` accepts, with the labels the dashboard shows. */
export const DIMENSIONS = [
  'page',
  'entry_page',
  'exit_page',
  'referrer',
  'referrer_class',
  'country',
  'region',
  'city',
  'device',
  'browser',
  'os',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'event',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = {
  page: 'Pages',
  entry_page: 'Entry pages',
  exit_page: 'Exit pages',
  referrer: 'Referrers',
  referrer_class: 'Channels',
  country: 'Countries',
  region: 'Regions',
  city: 'Cities',
  device: 'Devices',
  browser: 'Browsers',
  os: 'Operating systems',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  event: 'Custom events',
};

/** Cards on the reports page: related dimensions share a card with tabs. */
export const REPORT_GROUPS: readonly (readonly Dimension[])[] = [
  ['page', 'entry_page', 'exit_page'],
  ['referrer', 'referrer_class'],
  ['country', 'region', 'city'],
  ['device', 'browser', 'os'],
  ['utm_source', 'utm_medium', 'utm_campaign'],
  ['event'],
];

export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}
