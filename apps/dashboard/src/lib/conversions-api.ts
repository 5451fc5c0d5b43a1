/**
 * Goals, funnels and custom-event properties: the site's definitions (tables `goals` and
 * `funnels`, written under RLS by a token for the site) and their reports (`stats_goals`,
 * `stats_funnel`, `stats_properties`; docs/conversions.md).
 */
import type { PostgrestClient } from '@sightline/postgrest';
import { ApiError, type ApiResult, type Filters } from './api.js';

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

/** One row of a breakdown for a goal: its converting visitors, conversions and revenue. */
export interface GoalBreakdownRow {
  value: string;
  visitors: number;
  conversions: number;
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

/** A goal as stored (table `goals`). */
export interface GoalDef {
  id: number;
  name: string;
  event_name: string | null;
  page_path: string | null;
  prop_key: string | null;
  prop_value: string | null;
}

/** Scroll depth and web vitals (p75) of one page (`stats_page_engagement`). */
export interface PageEngagementRow {
  path: string;
  /** Visits of the page in the range, and those that measured how far they scrolled. */
  visits: number;
  scroll_visits: number;
  /** Average deepest point, percent, over the visits that measured it; null: none did. */
  scroll_avg: number | null;
  /** Page loads that reported web vitals. */
  loads: number;
  /** 75th percentiles: ms, CLS unitless; null: no load reported the metric. */
  lcp_p75: number | null;
  inp_p75: number | null;
  cls_p75: number | null;
  ttfb_p75: number | null;
  fcp_p75: number | null;
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
  /** The site's goals as defined (the settings and the funnel form), without numbers. */
  goalList(site: string): Promise<ApiResult<GoalDef[]>>;
  funnels(site: string): Promise<ApiResult<FunnelDef[]>>;
  funnel(q: RangeQuery & { funnel: number }): Promise<ApiResult<FunnelStepRow[]>>;
  properties(q: RangeQuery & { goal: number; limit: number }): Promise<ApiResult<PropertyRow[]>>;
  links(q: RangeQuery & { kind: LinkKind; limit: number }): Promise<ApiResult<LinkRow[]>>;
  /**
   * A goal's conversions for the rows a breakdown shows (`values`), by any dimension
   * `stats_breakdown` takes: the goal columns of every breakdown card.
   */
  goalBreakdown(
    q: RangeQuery & { goal: number; dimension: string; values: readonly string[] },
  ): Promise<ApiResult<GoalBreakdownRow[]>>;
  /** Scroll depth and web vitals of the pages with the most visitors. */
  pageEngagement(q: RangeQuery & { limit: number }): Promise<ApiResult<PageEngagementRow[]>>;
  createGoal(site: string, goal: NewGoal): Promise<ApiResult<null>>;
  createFunnel(site: string, funnel: NewFunnel): Promise<ApiResult<null>>;
  updateGoal(id: number, goal: NewGoal): Promise<ApiResult<null>>;
  updateFunnel(id: number, funnel: NewFunnel): Promise<ApiResult<null>>;
  deleteGoal(id: number): Promise<ApiResult<null>>;
  deleteFunnel(id: number): Promise<ApiResult<null>>;
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
      return toResult<GoalDef[]>(
        await db
          .from('goals')
          .select('id,name,event_name,page_path,prop_key,prop_value')
          .eq('site_id', site)
          .order('name'),
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
    async goalBreakdown(q) {
      if (q.values.length === 0) return { data: [], error: null };
      const res = await rpc<GoalBreakdownRow>('stats_goal_breakdown', {
        ...args(q),
        p_goal: q.goal,
        p_dimension: q.dimension,
        p_values: q.values,
        p_limit: Math.min(1000, q.values.length),
      });
      if (res.error) return res;
      return {
        data: (res.data ?? []).map((r) => ({
          ...r,
          visitors: num(r.visitors),
          conversions: num(r.conversions),
          revenue: revenue(r.revenue),
        })),
        error: null,
      };
    },
    async pageEngagement(q) {
      const res = await rpc<PageEngagementRow>('stats_page_engagement', {
        ...args(q),
        p_limit: q.limit,
      });
      if (res.error) return res;
      const opt = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
      return {
        data: (res.data ?? []).map((p) => ({
          path: p.path,
          visits: num(p.visits),
          scroll_visits: num(p.scroll_visits),
          scroll_avg: opt(p.scroll_avg),
          loads: num(p.loads),
          lcp_p75: opt(p.lcp_p75),
          inp_p75: opt(p.inp_p75),
          cls_p75: opt(p.cls_p75),
          ttfb_p75: opt(p.ttfb_p75),
          fcp_p75: opt(p.fcp_p75),
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
    // Updates and deletes ask for the rows back: under RLS a row the caller may not write is
    // simply not matched, which would otherwise look like success.
    async updateGoal(id, goal) {
      // Every column is written, so that switching a goal's kind clears the other one's fields.
      const row = {
        name: goal.name,
        event_name: goal.event_name ?? null,
        page_path: goal.page_path ?? null,
        prop_key: goal.prop_key ?? null,
        prop_value: goal.prop_value ?? null,
      };
      return written(await db.from('goals').update(row).eq('id', id).select('id'));
    },
    async updateFunnel(id, funnel) {
      const row = { window_seconds: null, ...funnel };
      return written(await db.from('funnels').update(row).eq('id', id).select('id'));
    },
    async deleteGoal(id) {
      return written(await db.from('goals').delete().eq('id', id).select('id'));
    },
    async deleteFunnel(id) {
      return written(await db.from('funnels').delete().eq('id', id).select('id'));
    },
  };

  /** A write that matched no row: gone meanwhile, or not the caller's to change. */
  function written(res: Parameters<ToResult>[0]): ApiResult<null> {
    const r = toResult<unknown[]>(res);
    if (r.error) return r;
    if ((r.data ?? []).length === 0) {
      return {
        data: null,
        error: new ApiError(
          'Nothing was changed: it no longer exists, or you may not change it.',
          'request',
          res.status,
          'not_written',
        ),
      };
    }
    return { data: null, error: null };
  }
}
