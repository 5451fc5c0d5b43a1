/**
 * The Stats API of the ingest Worker (`POST <ingestUrl>/api/v1/sites/:id/<report>`,
 * docs/stats-api.md) as the caller: a member's access token, a service token or a share link's
 * pass. The dashboard reads it only for segments the report RPCs cannot answer (report-reader.ts).
 */
import { workerCall } from './account-api.js';
import type { ApiResult, Bearer } from './api.js';
import type { Dimension } from './dimensions.js';
import type { Operator } from './segment.js';
import type { Compare } from './url-state.js';

export type StatsReport = 'overview' | 'timeseries' | 'breakdown';

export interface StatsBody {
  from: string;
  to: string;
  filters: [Operator, Dimension, string[]][];
  compare?: Compare;
  resolution?: 'hour' | 'day';
  dimension?: Dimension;
  limit?: number;
}

/** The answer's figures (packages/schema's StatsTotals). */
export interface StatsTotals {
  visitors: number;
  visits: number;
  pageviews: number;
  bounceRate: number | null;
  engagedMs: number;
}

export interface StatsMeta {
  source: 'postgres' | 'analytics_engine';
  /** False when Analytics Engine sampled: the figures are estimates. */
  exact: boolean;
  /** The range answered, ISO 8601. */
  from: string;
  to: string;
}

export interface StatsAnswer<R> {
  meta: StatsMeta;
  results: R;
  comparison: { meta: StatsMeta; results: R } | null;
}

export interface StatsClient {
  read<R>(site: string, report: StatsReport, body: StatsBody): Promise<ApiResult<StatsAnswer<R>>>;
}

export function createStatsClient(ingestUrl: string, bearer: Bearer): StatsClient {
  return {
    async read<R>(site: string, report: StatsReport, body: StatsBody) {
      const token = typeof bearer === 'string' ? bearer : await bearer();
      return workerCall<StatsAnswer<R>>(
        `${ingestUrl}/api/v1/sites/${encodeURIComponent(site)}/${report}`,
        { token, body },
      );
    },
  };
}
