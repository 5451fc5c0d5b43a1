/**
 * The Stats API of the ingest Worker (`POST <ingestUrl>/api/v1/sites/:id/<report>`,
 * docs/stats-api.md) as the caller: a member's access token, a service token or a share link's
 * pass. The dashboard reads it only for segments the report RPCs cannot answer (report-reader.ts).
 */
import { workerCall } from './account-api.js';
import { ApiError, type ApiResult, type Bearer } from './api.js';
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

export interface CsvFile {
  name: string;
  blob: Blob;
}

export interface StatsClient {
  read<R>(site: string, report: StatsReport, body: StatsBody): Promise<ApiResult<StatsAnswer<R>>>;
  /** The report's rows as CSV (`?format=csv`), with the file name the Worker gives. */
  csv(site: string, report: StatsReport, body: StatsBody): Promise<ApiResult<CsvFile>>;
}

export function createStatsClient(ingestUrl: string, bearer: Bearer): StatsClient {
  const url = (site: string, report: StatsReport) =>
    `${ingestUrl}/api/v1/sites/${encodeURIComponent(site)}/${report}`;
  return {
    async csv(site, report, body) {
      const token = typeof bearer === 'string' ? bearer : await bearer();
      let res: Response;
      try {
        res = await fetch(`${url(site, report)}?format=csv`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      } catch (cause) {
        const message = `the ingest Worker cannot be reached (${String(cause)})`;
        return { data: null, error: new ApiError(message, 'request', 0) };
      }
      if (!res.ok) {
        const answer = (await res.json().catch(() => ({}))) as {
          error?: { code?: string; message?: string };
        };
        const message = answer.error?.message ?? `the ingest Worker answered ${res.status}`;
        const code = answer.error?.code ?? null;
        const auth = res.status === 401 && (code === 'invalid_token' || code === 'token_expired');
        return {
          data: null,
          error: new ApiError(message, auth ? 'auth' : 'request', res.status, code),
        };
      }
      const name =
        /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
        `${site}-${report}.csv`;
      return { data: { name, blob: await res.blob() }, error: null };
    },
    async read<R>(site: string, report: StatsReport, body: StatsBody) {
      const token = typeof bearer === 'string' ? bearer : await bearer();
      return workerCall<StatsAnswer<R>>(url(site, report), { token, body });
    },
  };
}
