/**
 * Reports from Analytics Engine: the format-2 report SQL (@sightline/schema) with the request's
 * filters compiled from typed pieces (`aeFilters`), sent to Analytics Engine's SQL API
 * (`ANALYTICS_ENGINE_SQL_URL`, a bearer token with Account Analytics Read), answered in the
 * Stats API's shape with how many points each figure stands for (`sampleInterval`).
 */
import {
  aeFilters,
  breakdownSql,
  overviewSql,
  pageBouncesSql,
  readTotals,
  timeseriesSql,
  type AeReportQuery,
  type AeTotals,
  type Dimension,
  type StatsFilter,
  type StatsTotals,
} from '@sightline/schema';
import { IngestError } from '../lib/errors.js';
import type { Range } from './range.js';

export interface AeEnv {
  ANALYTICS_ENGINE_SQL_URL?: string;
  ANALYTICS_ENGINE_API_TOKEN?: string;
}

type Row = Record<string, unknown>;

async function sql(env: AeEnv, query: string): Promise<Row[]> {
  let res: Response;
  try {
    res = await fetch(env.ANALYTICS_ENGINE_SQL_URL!, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ANALYTICS_ENGINE_API_TOKEN ?? ''}` },
      body: query,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    throw new IngestError(503, 'analytics_engine_unavailable', 'Analytics Engine did not answer', {
      cause,
    });
  }
  const text = await res.text();
  if (res.status !== 200)
    throw new IngestError(
      503,
      'analytics_engine_unavailable',
      'Analytics Engine refused the query',
      {
        cause: new Error(`${res.status} ${text.slice(0, 500)}`),
      },
    );
  return (JSON.parse(text) as { data: Row[] }).data;
}

export interface AeCall {
  env: AeEnv;
  site: string;
  range: Range;
  filters: readonly StatsFilter[];
}

function query(call: AeCall): AeReportQuery {
  const { conditions, filters } = aeFilters(call.filters);
  return { site: call.site, from: call.range.from, to: call.range.to, filters, conditions };
}

const totals = (t: AeTotals): StatsTotals => ({
  visitors: t.visitors,
  visits: t.visits,
  pageviews: t.pageviews,
  bounceRate: t.bounces === null ? null : t.visits ? t.bounces / t.visits : 0,
  engagedMs: t.engagedMs,
});

/** The largest sample interval of the rows read (1: exact). */
const interval = (rows: Row[]) => Math.max(1, ...rows.map((r) => readTotals(r).sampleInterval));

export async function aeOverview(call: AeCall) {
  const rows = await sql(call.env, overviewSql(query(call)));
  return { results: totals(readTotals(rows[0])), sampleInterval: interval(rows) };
}

export async function aeTimeseries(call: AeCall, resolution: 'hour' | 'day') {
  const rows = await sql(call.env, timeseriesSql(query(call), resolution));
  return {
    results: rows.map((r) => ({
      bucket: new Date(Number(r.bucket)).toISOString(),
      ...totals(readTotals(r)),
    })),
    sampleInterval: interval(rows),
  };
}

export async function aeBreakdown(call: AeCall, dimension: Dimension, limit: number) {
  const q = query(call);
  const rows = await sql(call.env, breakdownSql(q, dimension, limit));
  const results = rows.map((r) => ({ value: String(r.value), ...totals(readTotals(r)) }));
  if (dimension === 'page' && results.length) {
    // A page's bounce rate is that of the sessions that entered on it (analytics-engine-sql.ts).
    const bounces = new Map(
      (
        await sql(
          call.env,
          pageBouncesSql(
            q,
            results.map((r) => r.value),
          ),
        )
      ).map((r) => [String(r.value), Number(r.bounces)]),
    );
    for (const r of results) r.bounceRate = r.visits ? (bounces.get(r.value) ?? 0) / r.visits : 0;
  }
  return { results, sampleInterval: interval(rows) };
}
