/**
 * What reports are broken down by: the dimension names `stats_breakdown` and `p_filters` take
 * (docs/database.md, "Dimensions"), and the zod-free values the Worker and the importers share.
 * Importable as `@sightline/schema/dimensions` by code that must not load zod (browsers, CLIs).
 */
export { LIMITS } from './limits.js';
export { REFERRER_CLASSES, DEVICE_TYPES } from './enriched.js';
export type { ReferrerClass, DeviceType } from './enriched.js';
export { classifyReferrer } from './referrer-class.js';

/** Every breakdown dimension, in the order the reports list them. */
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

/** @example isDimension('page') // true */
export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}
