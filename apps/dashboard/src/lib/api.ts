/**
 * Typed access to the stats RPCs through @sightline/postgrest. Every call resolves to
 * `{ data, error }`; auth failures are told apart so the app can ask the person to sign in again
 * instead of showing an error box.
 */
import { PostgrestClient } from '@sightline/postgrest';
import { createConversionsApi, type ConversionsApi } from './conversions-api.js';
import type { Dimension } from './dimensions.js';
import { createSegmentsApi, type SegmentsApi } from './segments-api.js';
import type { StatsClient } from './stats-client.js';

export interface Site {
  id: string;
  name: string;
  timezone: string;
  public_live: boolean;
}

/** A site as its members see it (public.my_sites). */
export interface MySite extends Site {
  domains: string[];
  public_dashboard: boolean;
  store_raw: boolean;
  respect_privacy_signals: boolean;
  created_at: string;
  /** owner, admin, viewer, or service (a service token). */
  role: string;
}

export interface OverviewNumbers {
  visitors: number;
  visits: number;
  pageviews: number;
  /** 0..1 */
  bounce_rate: number;
  engaged_ms: number;
  avg_engaged_ms: number;
}
export interface Overview extends OverviewNumbers {
  previous: OverviewNumbers;
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number;
  engaged_ms: number;
}

export interface TimeseriesRow {
  bucket: string;
  visitors: number;
  visits: number;
  pageviews: number;
  engaged_ms: number;
}

export interface LiveVisitorRow {
  visitor_id: string;
  latitude: number | null;
  longitude: number | null;
  country: string;
  region: string;
  city: string;
  path: string;
  device: string;
  browser: string;
  os: string;
  value_score: number;
  engaged_ms: number;
  pageviews: number;
  last_seen: string;
}

export type Filters = Partial<Record<Dimension, string>>;

export interface StatsQuery {
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** `auth` when the token is expired, invalid or not allowed; the app then asks for a new one. */
    readonly code: 'auth' | 'request',
    readonly status: number,
    /** The database's or the Worker's stable reason (e.g. `last_owner`, `site_id_taken`). */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ApiResult<T> = { data: T; error: null } | { data: null; error: ApiError };

export interface RawResult {
  data: unknown;
  error: { message: string; code?: string; details?: string | null } | null;
  status: number;
}

export function toResult<T>(res: RawResult): ApiResult<T> {
  if (!res.error) return { data: res.data as T, error: null };
  // PostgREST answers a bad or expired JWT with 401 (PGRST301/PGRST302); the database refuses a
  // caller with 42501 and a stable reason (403 with a token, 401 without).
  const auth = /^PGRST30/.test(res.error.code ?? '') || res.error.details === 'not_readable';
  return {
    data: null,
    error: new ApiError(
      res.error.message,
      auth ? 'auth' : 'request',
      res.status,
      res.error.details ?? null,
    ),
  };
}

const NUMERIC_KEYS = new Set([
  'visitors',
  'visits',
  'pageviews',
  'bounce_rate',
  'engaged_ms',
  'avg_engaged_ms',
  'value_score',
  'latitude',
  'longitude',
]);

/** bigint/numeric columns may arrive as JSON strings; the UI wants numbers. */
function normaliseNumbers<T extends object>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (NUMERIC_KEYS.has(k) && typeof v === 'string') out[k] = Number(v) || 0;
  }
  return out as T;
}

/** stats_imported's answer: the note a report shows about imported days. */
export interface ImportedNote {
  included: boolean;
  days: number;
  first_day: string | null;
  last_day: string | null;
  not_in: string[];
}

export interface Api {
  overview(q: StatsQuery): Promise<ApiResult<Overview>>;
  breakdown(
    q: StatsQuery & { dimension: Dimension; limit: number },
  ): Promise<ApiResult<BreakdownRow[]>>;
  timeseries(q: StatsQuery & { resolution: 'hour' | 'day' }): Promise<ApiResult<TimeseriesRow[]>>;
  liveVisitors(site: string, windowSeconds: number): Promise<ApiResult<LiveVisitorRow[]>>;
  /** Whether a report over the query includes imported days (stats_imported, docs/imports.md). */
  imported?(q: StatsQuery): Promise<ApiResult<ImportedNote>>;
  /** Goals, funnels and custom-event properties (conversions-api.ts). */
  conversions: ConversionsApi;
  /** Saved segments (segments-api.ts); members and service tokens only. */
  segments: SegmentsApi;
  /** The ingest Worker's Stats API as the same caller; null where there is none (public dashboards). */
  stats: StatsClient | null;
}

/** Who a request runs as: a fixed token, or a getter read at each request (sessions, passes). */
export type Bearer = string | (() => Promise<string>);

/**
 * PostgREST with the publishable key and the caller's token. A getter is asked at every request,
 * so a session auth-js refreshes, or a share link's pass renewed every half minute, is always
 * the current one.
 */
export function restClient(supabaseUrl: string, apikey: string, bearer: Bearer): PostgrestClient {
  return new PostgrestClient(`${supabaseUrl}/rest/v1`, {
    headers: { apikey },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      const token = typeof bearer === 'string' ? bearer : await bearer();
      headers.set('Authorization', `Bearer ${token || apikey}`);
      return fetch(input, { ...init, headers });
    },
  });
}

export function createApi(db: PostgrestClient, stats: StatsClient | null = null): Api {
  const args = (q: StatsQuery) => ({
    p_site: q.site,
    p_from: q.from.toISOString(),
    p_to: q.to.toISOString(),
    p_filters: q.filters,
  });
  // Read-only RPCs: `get: true` would also work, but POST keeps the filter object as real JSON.
  const rpc = async <T>(name: string, params: Record<string, unknown>): Promise<ApiResult<T>> =>
    toResult<T>(await db.rpc(name, params));

  return {
    conversions: createConversionsApi(db, toResult),
    segments: createSegmentsApi(db, toResult),
    stats,
    imported: (q) => rpc<ImportedNote>('stats_imported', args(q)),
    async overview(q) {
      const res = await rpc<Overview | Overview[]>('stats_overview', args(q));
      if (res.error) return res;
      // A set-returning function answers an array; a scalar jsonb function the object itself.
      const raw = Array.isArray(res.data) ? res.data[0] : res.data;
      const o = normaliseNumbers((raw ?? {}) as Overview);
      return {
        data: { ...o, previous: normaliseNumbers(o.previous ?? ({} as OverviewNumbers)) },
        error: null,
      };
    },
    async breakdown(q) {
      const res = await rpc<BreakdownRow[]>('stats_breakdown', {
        ...args(q),
        p_dimension: q.dimension,
        p_limit: q.limit,
      });
      return res.error ? res : { data: (res.data ?? []).map(normaliseNumbers), error: null };
    },
    async timeseries(q) {
      const res = await rpc<TimeseriesRow[]>('stats_timeseries', {
        ...args(q),
        p_resolution: q.resolution,
      });
      return res.error ? res : { data: (res.data ?? []).map(normaliseNumbers), error: null };
    },
    async liveVisitors(site, windowSeconds) {
      const res = await rpc<LiveVisitorRow[]>('live_visitors', {
        p_site: site,
        p_window_seconds: windowSeconds,
      });
      return res.error ? res : { data: (res.data ?? []).map(normaliseNumbers), error: null };
    },
  };
}
