/**
 * The numbers of one scheduled report, read through the same report RPCs the dashboard uses
 * (supabase/schemas/33_–39_), with the secret key (a service identity the database lets read
 * every site): the period's headline figures and those of the period before, the top pages,
 * sources and goals.
 */
import type { PostgrestClient } from '@sightline/postgrest';

export interface ReportTotals {
  visitors: number;
  visits: number;
  pageviews: number;
  /** 0..1 */
  bounce_rate: number;
  /** The average visit duration (engaged time per visit), ms. */
  avg_engaged_ms: number;
}

export interface ReportRow {
  value: string;
  visitors: number;
  pageviews: number;
}

export interface ReportGoal {
  name: string;
  visitors: number;
  conversions: number;
  /** 0..1 */
  conversion_rate: number;
}

export interface ReportPeriod {
  site: string;
  siteName: string;
  timezone: string;
  period: 'weekly' | 'monthly';
  /** The first local day, `YYYY-MM-DD`. */
  periodStart: string;
  /** The period as the report RPCs take it: [from, to), local midnights. */
  from: string;
  to: string;
}

export interface ReportData extends ReportPeriod {
  totals: ReportTotals;
  previous: ReportTotals;
  pages: ReportRow[];
  sources: ReportRow[];
  goals: ReportGoal[];
}

export const TOP_ROWS = 5;

export class ReportDataError extends Error {
  override readonly name = 'ReportDataError';
  readonly code = 'report_data_failed';
}

async function call<T>(db: PostgrestClient, fn: string, args: object): Promise<T> {
  const { data, error } = (await db.rpc(fn, args as Record<string, unknown>)) as {
    data: unknown;
    error: { code?: string; message: string } | null;
  };
  if (error)
    throw new ReportDataError(`${fn} failed: ${error.code ?? ''} ${error.message}`, {
      cause: error,
    });
  return data as T;
}

const totals = (t: Partial<ReportTotals> | undefined): ReportTotals => ({
  visitors: Number(t?.visitors ?? 0),
  visits: Number(t?.visits ?? 0),
  pageviews: Number(t?.pageviews ?? 0),
  bounce_rate: Number(t?.bounce_rate ?? 0),
  avg_engaged_ms: Number(t?.avg_engaged_ms ?? 0),
});

const rows = (list: ReportRow[] | null): ReportRow[] =>
  (list ?? []).map((r) => ({
    value: r.value,
    visitors: Number(r.visitors),
    pageviews: Number(r.pageviews),
  }));

/**
 * @example
 * const data = await loadReport(postgrest(env), { site: 'shop', period: 'weekly', from, to, … });
 */
export async function loadReport(db: PostgrestClient, p: ReportPeriod): Promise<ReportData> {
  const range = { p_site: p.site, p_from: p.from, p_to: p.to };
  const breakdown = (dimension: string) =>
    call<ReportRow[]>(db, 'stats_breakdown', {
      ...range,
      p_dimension: dimension,
      p_limit: TOP_ROWS,
    }).then(rows);
  const [overview, pages, sources, goals] = await Promise.all([
    call<Partial<ReportTotals> & { previous?: Partial<ReportTotals> }>(db, 'stats_overview', range),
    breakdown('page'),
    breakdown('referrer'),
    call<ReportGoal[] | null>(db, 'stats_goals', range),
  ]);
  return {
    ...p,
    totals: totals(overview),
    previous: totals(overview.previous),
    pages,
    sources,
    goals: (goals ?? [])
      .map((g) => ({
        name: g.name,
        visitors: Number(g.visitors),
        conversions: Number(g.conversions),
        conversion_rate: Number(g.conversion_rate ?? 0),
      }))
      .sort((a, b) => b.conversions - a.conversions || a.name.localeCompare(b.name))
      .slice(0, TOP_ROWS),
  };
}
