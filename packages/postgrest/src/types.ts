/** Public types shared by the client and its builders. */
import type { PostgrestError } from './error.js';

export type Fetch = typeof fetch;

/** How PostgREST should count rows (`Prefer: count=…`); the total comes back in `count`. */
export type CountMethod = 'exact' | 'planned' | 'estimated';

/**
 * Retry policy. Only requests that cannot do harm twice are retried blindly: idempotent methods
 * (GET, HEAD, PUT, DELETE) after a network error or a 503/520. A write (POST, PATCH) is retried
 * only when the server answers 429/503 with `Retry-After`, i.e. says it did not process it.
 * Delays grow exponentially with full jitter; a `Retry-After` longer than `maxDelayMs` ends
 * the retries (an edge request should not sleep for a minute).
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First back-off ceiling in ms, doubled each retry. Default 200. */
  baseDelayMs?: number;
  /** Longest wait before a retry in ms. Default 5000. */
  maxDelayMs?: number;
  /** Treat this request as idempotent whatever its method (e.g. a read-only or keyed RPC). */
  idempotent?: boolean;
}

/** What each attempt hook sees, once per attempt, after it settled. */
export interface AttemptEvent {
  /** 0 for the first try, then 1, 2, … */
  attempt: number;
  method: string;
  url: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** The thrown fetch/timeout error when no response arrived. */
  error?: unknown;
  /** Wall time of this attempt in ms. */
  durationMs: number;
  /** Set when another attempt follows after this many ms. */
  retryInMs?: number;
}

export interface PostgrestClientOptions {
  headers?: Record<string, string> | Headers;
  /** Postgres schema (sent as Accept-Profile / Content-Profile). */
  schema?: string;
  fetch?: Fetch;
  /** Per-attempt timeout in ms. */
  timeout?: number;
  /** `false` disables retries; an object tunes them. Enabled with defaults otherwise. */
  retry?: boolean | RetryOptions;
  /** Called after every attempt: log, meter or trace here. */
  onAttempt?: (event: AttemptEvent) => void;
}

export interface PostgrestResponseSuccess<T> {
  data: T;
  error: null;
  count: number | null;
  status: number;
  statusText: string;
}

export interface PostgrestResponseFailure {
  data: null;
  error: PostgrestError;
  count: null;
  status: number;
  statusText: string;
}

export type PostgrestSingleResponse<T> = PostgrestResponseSuccess<T> | PostgrestResponseFailure;
export type PostgrestResponse<T> = PostgrestSingleResponse<T[]>;
export type PostgrestMaybeSingleResponse<T> = PostgrestSingleResponse<T | null>;

/** The awaited value of a builder: narrowed to success after `throwOnError()`. */
export type PostgrestResult<T, Throw extends boolean> = Throw extends true
  ? PostgrestResponseSuccess<T>
  : PostgrestSingleResponse<T>;

/**
 * Row, insert, update and function types read from a generated `Database` type (`supabase gen
 * types`): `Database[schema]['Tables' | 'Views'][name]['Row' | 'Insert' | 'Update']` and
 * `['Functions'][name]['Args' | 'Returns']`. Matched structurally (interfaces welcome); anything
 * missing falls back to loose records, and an untyped client (`any`) stays `any`.
 */
type IsAny<T> = 0 extends 1 & T ? true : false;
type Loose = Record<string, unknown>;
type Relations<S> = (S extends { Tables: infer T } ? T : unknown) &
  (S extends { Views: infer V } ? V : unknown);
type Part<S, N, K extends string, Fallback> =
  IsAny<S> extends true
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped client: anything, like postgrest-js
      any
    : N extends keyof Relations<S>
      ? Relations<S>[N] extends { [P in K]: infer R }
        ? R
        : Fallback
      : Fallback;

export type RowOf<S, N> = Part<S, N, 'Row', Loose>;
export type InsertOf<S, N> = Part<S, N, 'Insert', RowOf<S, N>>;
export type UpdateOf<S, N> = Part<S, N, 'Update', Partial<RowOf<S, N>>>;

type FnOf<S, F> = S extends { Functions: infer Fns }
  ? F extends keyof Fns
    ? Fns[F]
    : never
  : never;
export type FnArgs<S, F> =
  IsAny<S> extends true ? Loose : FnOf<S, F> extends { Args: infer A } ? A : Loose;
export type FnReturns<S, F> =
  IsAny<S> extends true
    ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped client
      any
    : FnOf<S, F> extends { Returns: infer R }
      ? R
      : unknown;
