/**
 * Saved segments: a site's named filter sets (supabase/schemas/08_segments.sql). Members and
 * service tokens list them; any of them saves one; the member who saved it, owners, admins and
 * service tokens rename and delete it (`can_edit` says which). Every call resolves to
 * `{ data, error }`; `error.reason` is the database's stable code (`name_taken`,
 * `invalid_label`, `invalid_filters`, `too_many`, `not_allowed`, `not_found`).
 */
import type { PostgrestClient } from '@sightline/postgrest';
import type { ApiResult, RawResult } from './api.js';
import { isDimension } from './dimensions.js';
import { addCondition, isOperator, statsFilters, type Segment } from './segment.js';

export interface SavedSegment {
  id: string;
  name: string;
  /** As stored: the Stats API's `[operator, dimension, values]` conditions. */
  filters: unknown;
  /** Saved by the caller. */
  mine: boolean;
  /** The caller may rename and delete it. */
  can_edit: boolean;
}

export interface SegmentsApi {
  list(site: string): Promise<ApiResult<SavedSegment[]>>;
  create(site: string, name: string, segment: Segment): Promise<ApiResult<SavedSegment>>;
  rename(id: string, name: string): Promise<ApiResult<SavedSegment>>;
  remove(id: string): Promise<ApiResult<null>>;
}

/** `toResult` is passed in (as to conversions-api.ts) so that api.ts and this module form no cycle. */
export function createSegmentsApi(
  db: PostgrestClient,
  toResult: <T>(res: RawResult) => ApiResult<T>,
): SegmentsApi {
  const rpc = async <T>(name: string, params: Record<string, unknown>): Promise<ApiResult<T>> =>
    toResult<T>(await db.rpc(name, params));
  return {
    list: (site) => rpc<SavedSegment[]>('segments_of', { p_site: site }),
    create: (site, name, segment) =>
      rpc<SavedSegment>('create_segment', {
        p_site: site,
        p_name: name,
        p_filters: statsFilters(segment),
      }),
    rename: (id, name) => rpc<SavedSegment>('update_segment', { p_id: id, p_name: name }),
    remove: (id) => rpc<null>('delete_segment', { p_id: id }),
  };
}

/**
 * A stored segment's filters as the dashboard's segment. What this dashboard does not know (an
 * operator or dimension of a newer version) is left out rather than misapplied.
 */
export function toSegment(filters: unknown): Segment {
  let segment: Segment = [];
  if (!Array.isArray(filters)) return segment;
  for (const f of filters as unknown[]) {
    if (!Array.isArray(f)) continue;
    const [op, dimension, values] = f as unknown[];
    if (typeof op !== 'string' || !isOperator(op)) continue;
    if (typeof dimension !== 'string' || !isDimension(dimension)) continue;
    if (!Array.isArray(values)) continue;
    const strings = values.filter((v): v is string => typeof v === 'string');
    segment = addCondition(segment, { op, dimension, values: strings });
  }
  return segment;
}
