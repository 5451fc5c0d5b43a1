/**
 * What each store can do with each report dimension: the one table the Stats API's planner reads.
 * Postgres (the report RPCs) filters by one value per dimension with `is` and groups by every
 * dimension; Analytics Engine (format-2 points, analytics-engine-sql.ts) filters the session's
 * dimensions with every operator and several values, and groups by them, the page and the
 * custom event. Rollups (docs/database.md, "Dimensions") answer whole local days for no filter,
 * one filter that is not `event`, or a country and a page.
 */
import { DIMENSION_SPECS, type Dimension } from './dimensions.js';

export interface StoreCapabilities {
  /** Postgres: `p_filters` takes it (operator `is`, one value). */
  readonly postgresFilter: boolean;
  /** Analytics Engine: the operators it can filter it with. */
  readonly aeFilter: 'all' | 'is_single' | 'none';
  /** Analytics Engine: a breakdown by it is a sum of points. */
  readonly aeGroup: boolean;
}

const AE_SESSION: StoreCapabilities = { postgresFilter: true, aeFilter: 'all', aeGroup: true };
const POSTGRES_ONLY: StoreCapabilities = { postgresFilter: true, aeFilter: 'none', aeGroup: false };

/** Dimension → capabilities. Session dimensions without a format-2 blob are Postgres-only. */
export const STATS_DIMENSIONS: Readonly<Record<Dimension, StoreCapabilities>> = {
  // A page filter makes the measures the page's own: one page, `is` (a session on two matching
  // pages would count twice with several values or a pattern).
  page: { postgresFilter: true, aeFilter: 'is_single', aeGroup: true },
  entry_page: AE_SESSION,
  exit_page: POSTGRES_ONLY, // the session's latest page moves: no point holds it
  referrer: AE_SESSION,
  referrer_class: AE_SESSION,
  country: AE_SESSION,
  region: AE_SESSION,
  city: AE_SESSION,
  device: AE_SESSION,
  browser: AE_SESSION,
  os: AE_SESSION,
  utm_source: AE_SESSION,
  utm_medium: AE_SESSION,
  utm_campaign: AE_SESSION,
  utm_term: POSTGRES_ONLY, // not in format 2's blobs
  utm_content: POSTGRES_ONLY,
  click_id: POSTGRES_ONLY,
  // Sessions that sent an event: their page views are on other points.
  event: { postgresFilter: true, aeFilter: 'none', aeGroup: true },
};

/** Every dimension name, as a non-empty tuple for `z.enum`. */
export const STATS_DIMENSION_NAMES = DIMENSION_SPECS.map((d) => d.name) as [
  Dimension,
  ...Dimension[],
];

/** The dashboard card a dimension belongs to (share links hide whole cards). */
export function dimensionCard(dimension: Dimension): string {
  return DIMENSION_SPECS.find((d) => d.name === dimension)?.card ?? dimension;
}
