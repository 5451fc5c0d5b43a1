/**
 * The breakdown dimensions `stats_breakdown` accepts, with the labels and cards the dashboard
 * shows: all from the dimension registry (@sightline/schema/dimensions).
 */
import {
  DIMENSION_SPECS as REGISTRY,
  DIMENSIONS,
  isDimension,
  type Dimension,
} from '@sightline/schema/dimensions';

export { DIMENSIONS, isDimension, type Dimension };

export const DIMENSION_LABELS = Object.fromEntries(
  REGISTRY.map((d) => [d.name, d.label]),
) as Record<Dimension, string>;

/** Cards on the reports page: the dimensions of one card share it as tabs, in registry order. */
export const REPORT_GROUPS: readonly (readonly Dimension[])[] = [
  ...new Set(REGISTRY.map((d) => d.card)),
].map((card) => REGISTRY.filter((d) => d.card === card).map((d) => d.name));

/** The card a dimension is a tab of (share links hide whole cards: supabase/schemas/03_access.sql). */
export function cardOf(dimension: Dimension): string {
  return REGISTRY.find((d) => d.name === dimension)?.card ?? '';
}
