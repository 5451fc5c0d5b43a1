/**
 * Goals, funnels and custom-event properties: the site's definitions (tables `goals` and
 * `funnels`, written under RLS by a token for the site) and their reports (`stats_goals`,
 * `stats_funnel`, `stats_properties`; docs/conversions.md).
 */
import type { PostgrestClient } from '@sightline/postgrest';
import type { ApiResult, Filters } from './api.js';

/** Revenue per ISO currency code, e.g. `{ "EUR": 147 }` (no conversion between currencies). */
export type Revenue = Record<string, number>;

export interface GoalRow {
  goal_id: number;
  name: string;
  event_name: string | null;
  page_path: string | null;
  prop_key: string | null;
  prop_value: string | null;
  /** Unique converting visitors. */
  visitors: number;
  conversions: number;
  /** 0..1: converting visitors / visitors of the range and filters. */
  conversion_rate: number;
  revenue: Revenue;
}

export interface FunnelDef {
  id: number;
  name: string;
  steps: FunnelStepDef[];
  window_seconds: number | null;
}
export type FunnelStepDef = { page: string } | { goal: number };

export interface FunnelStepRow {
  step: number;
  label: string;
  visitors: number;
  sessions: number;
  dropoff: number;
  /** 0..1 of the first step's visitors. */
  conversion_rate: number;
}

export interface PropertyRow {
  key: string;
  value: string;
  visitors: number;
  events: number;
  revenue: Revenue;
}

/** Outbound links and downloads by target, 404 pages by path. */
export type LinkKind = 'outbound' | 'download' | '404';
export interface LinkRow {
  value: string;
  visitors: number;
  events: number;
}

export interface NewGoal {
  name: string;
  /** Exactly one of event_name and page_path. */
  event_name?: string;
  page_path?: string;
  prop_key?: string;
  prop_value?: string;
}

export interface NewFunnel {
  name: string;
  steps: FunnelStepDef[];
  window_seconds?: number | null;
}

export interface RangeQuery {
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
}

export interface ConversionsApi {
  goals(q: RangeQuery): Promise<ApiResult<GoalRow[]>>;
  /** The site's goals as defined (for the funnel form), without numbers. */
  goalList(site: string): Promise<ApiResult<{ id: number; name: string }[]>>;
  funnels(site: string): Promise<ApiResult<FunnelDef[]>>;
  funnel(q: RangeQuery & { funnel: number }): Promise<ApiResult<FunnelStepRow[]>>;
  properties(q: RangeQuery & { goal: number; limit: number }): Promise<ApiResult<PropertyRow[]>>;
  links(q: RangeQuery & { kind: LinkKind; limit: number }): Promise<ApiResult<LinkRow[]>>;
  createGoal(site: string, goal: NewGoal): Promise<ApiResult<null>>;
  createFunnel(site: string, funnel: NewFunnel): Promise<ApiResult<null>>;
}

/** How api.ts turns a PostgREST answer into an ApiResult (auth failures told apart). */
export type ToResult = <T>(res: {
  data: unknown;
  error: { message: string; code?: string } | null;
  status: number;
}) => ApiResult<T>;

/** bigint columns arrive as JSON numbers or strings; revenue sums as numbers or strings. */
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v) || 0);
const revenue = (v: unknown): Revenue =>
  Object.fromEntries(
    Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, num(x)]),
  );

export function createConversionsApi(db: PostgrestClient, toResult: ToResult): ConversionsApi {
  const args = (q: RangeQuery) => ({
    p_site: q.site,
    p_from: q.from.toISOString(),
    p_to: q.to.toISOString(),
    p_filters: q.filters,
  });
  const rpc = async <T>(name: string, params: Record<string, unknown>) =>
    toResult<T[]>(await db.rpc(name, params));

  return {
    async goals(q) {
      const res = await rpc<GoalRow>('stats_goals', args(q));
      if (res.error) return res;
      return {
        data: (res.data ?? []).map((g) => ({
          ...g,
          visitors: num(g.visitors),
          conversions: num(g.conversions),
          conversion_rate: num(g.conversion_rate),
          revenue: revenue(g.revenue),
        })),
        error: null,
      };
    },
    async goalList(site) {
      return toResult<{ id: number; name: string }[]>(
        await db.from('goals').select('id,name').eq('site_id', site).order('name'),
      );
    },
    async funnels(site) {
      return toResult<FunnelDef[]>(
        await db
          .from('funnels')
          .select('id,name,steps,window_seconds')
          .eq('site_id', site)
          .order('name'),
      );
    },
    async funnel(q) {
      const res = await rpc<FunnelStepRow>('stats_funnel', { ...args(q), p_funnel: q.funnel });
      if (res.error) return res;
      return {
        data: (res.data ?? []).map((s) => ({
          ...s,
          visitors: num(s.visitors),
          sessions: num(s.sessions),
          dropoff: num(s.dropoff),
          conversion_rate: num(s.conversion_rate),
        })),
        error: null,
      };
    },
    async properties(q) {
      const res = await rpc<PropertyRow>('stats_properties', {
        ...args(q),
        p_goal: q.goal,
        p_limit: q.limit,
      });
      if (res.error) return res;
      return {
        data: (res.data ?? []).map((p) => ({
          ...p,
          visitors: num(p.visitors),
          events: num(p.events),
          revenue: revenue(p.revenue),
        })),
        error: null,
      };
    },
    async links(q) {
      const res = await rpc<LinkRow>('stats_links', {
        ...args(q),
        p_kind: q.kind,
        p_limit: q.limit,
      });
      if (res.error) return res;
      return {
        data: (res.data ?? []).map((l) => ({
          ...l,
          visitors: num(l.visitors),
          events: num(l.events),
        })),
        error: null,
      };
    },
    async createGoal(site, goal) {
      return toResult<null>(await db.from('goals').insert({ site_id: site, ...goal }));
    },
    async createFunnel(site, funnel) {
      return toResult<null>(await db.from('funnels').insert({ site_id: site, ...funnel }));
    },
  };
}
