/**
 * The database's view of the dimension registry, which lives in @sightline/schema
 * (src/dimensions.ts): every dimension with the visitor_days key letter and source column the
 * SQL is generated from (`pnpm --filter @sightline/database gen` rewrites the lines under each
 * `-- for every …` marker in supabase/schemas; lint fails when they are stale), plus the keys
 * that are no dimension of their own.
 */
import {
  DIMENSION_SPECS,
  isDimension,
  type Dimension,
  type DimensionSource,
  type DimensionSpec,
} from '@sightline/schema/dimensions';

export const DIMENSIONS = DIMENSION_SPECS;
export type { DimensionSource, DimensionSpec };
export type DimensionName = Dimension;
export const isDimensionName = isDimension;

/** The visitor_days keys that are no dimension of their own. */
export const SITE_TOTAL = { name: '', key: 'a' } as const; // rollups' dimension ''
export const PAGE_IN_COUNTRY = { name: 'page@', key: 'q' } as const; // dimension 'page@<country>'

/** Every visitor_days key prefix and what it stands for. */
export const KEYS: readonly { readonly name: string; readonly key: string }[] = [
  SITE_TOTAL,
  ...DIMENSIONS,
  PAGE_IN_COUNTRY,
];
