/**
 * The breakdown dimensions `stats_breakdown` accepts, with the labels and cards the dashboard
 * shows: all from the database's dimension registry (supabase/src/dimensions.ts).
 */
import {
  DIMENSIONS as REGISTRY,
  isDimensionName,
  type DimensionName,
} from '@sightline/database/dimensions';

export type Dimension = DimensionName;

export const DIMENSIONS: readonly Dimension[] = REGISTRY.map((d) => d.name);

export const DIMENSION_LABELS = Object.fromEntries(
  REGISTRY.map((d) => [d.name, d.label]),
) as Record<Dimension, string>;

/** Cards on the reports page: the dimensions of one card share it as tabs, in registry order. */
export const REPORT_GROUPS: readonly (readonly Dimension[])[] = [
  ...new Set(REGISTRY.map((d) => d.card)),
].map((card) => REGISTRY.filter((d) => d.card === card).map((d) => d.name));

export const isDimension = isDimensionName;
