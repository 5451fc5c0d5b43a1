/**
 * The awaitable base of every builder: holds the request being described, sends it when awaited
 * (never before, so a chain can be built and passed around), and turns the response into
 * `{ data, error, count, status, statusText }`.
 */
import { PostgrestError } from './error.js';
import { discard, send, type SendOptions } from './send.js';
import type { PostgrestResult, RetryOptions } from './types.js';

/** @internal Options shared by every request of one client: created once, never copied. */
export interface Shared extends SendOptions {
  headers: Record<string, string>;
  schema?: string | undefined;
}

// JSON cannot carry bigint; PostgREST reads a numeric string into bigint/numeric columns.
const bigints = (_: string, v: unknown): unknown => (typeof v == 'bigint' ? '' + v : v);
const CODES: Record<string, string> = { TimeoutError: 'TIMEOUT', AbortError: 'ABORTED' };
const isRead = (m: string): boolean => m == 'GET' || m == 'HEAD';

export class PostgrestBuilder<Result, Throw extends boolean = false> implements PromiseLike<
  PostgrestResult<Result, Throw>
> {
  /** @internal The query string, encoded only once, when sent. */
  protected q = new URLSearchParams();
  /** @internal Prefer tokens, comma-joined. */ protected p = '';
  /** @internal Request headers; copied on first write so the client's stay untouched. */
  protected h: Record<string, string>;
  /** @internal */ protected t = false;
  /** @internal maybeSingle(): unwrap a 0/1-row array client-side. */ protected ms = false;
  /** @internal Nothing was asked back (`return=minimal`): the body is never read. */
  protected min = false;
  /** @internal */ protected signal?: AbortSignal;

  constructor(
    /** @internal */ protected m: string,
    /** @internal */ protected u: string,
    /** @internal */ protected o: Shared,
    /** @internal */ protected b?: unknown,
  ) {
    this.h = o.headers;
    if (o.headers.prefer) this.p = o.headers.prefer;
  }

  /** @internal */
  protected prefer(token: string): void {
    this.p = this.p ? this.p + ',' + token : token;
  }

  /** Make the awaited result throw a `PostgrestError` instead of returning it. */
  throwOnError(): PostgrestBuilder<Result, true> {
    this.t = true;
    return this as PostgrestBuilder<Result, true>;
  }

  /** Set one request header (e.g. `Authorization` for this call only). */
  setHeader(name: string, value: string): this {
    this.h = { ...this.h, [name.toLowerCase()]: value };
    return this;
  }

  /** Per-request timeout in ms, for each attempt. */
  timeout(ms: number): this {
    this.o = { ...this.o, timeout: ms };
    return this;
  }

  /** `false` to disable retries for this request, or a policy to override the client's. */
  retry(policy: boolean | RetryOptions): this {
    this.o = { ...this.o, retry: policy };
    return this;
  }

  /** Cancel the request (and any pending retry) with this signal. */
  abortSignal(signal: AbortSignal): this {
    this.signal = signal;
    return this;
  }

  /** Override the result type (no runtime effect). */
  returns<R>(): PostgrestBuilder<R, Throw> {
    return this as unknown as PostgrestBuilder<R, Throw>;
  }

  /** The request this builder describes, as it would be sent. */
  toRequest(): { method: string; url: string; headers: Record<string, string>; body?: string } {
    const { m, o } = this;
    // Form encoding (space as +) is what postgrest-js sends and PostgREST decodes.
    const query = String(this.q);
    const url = query ? this.u + '?' + query : this.u;
    const headers = { ...this.h };
    if (this.p) headers.prefer = this.p;
    if (o.schema) headers[isRead(m) ? 'accept-profile' : 'content-profile'] = o.schema;
    if (!isRead(m)) headers['content-type'] = 'application/json';
    return {
      method: m,
      url,
      headers,
      // JSON.stringify(undefined) is undefined: no body for reads and deletes.
      body: JSON.stringify(this.b, bigints),
    };
  }

  then<A = PostgrestResult<Result, Throw>, B = never>(
    onfulfilled?: ((value: PostgrestResult<Result, Throw>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onfulfilled, onrejected);
  }

  /** @internal Send, then map the response (or the failure to get one) to a result. */
  protected async run(): Promise<PostgrestResult<Result, Throw>> {
    const { method, url, headers, body } = this.toRequest();
    let status = 0;
    let statusText = '';
    let data: unknown = null;
    let error: PostgrestError | null = null;
    let count: number | null = null;
    try {
      const res = await send(method, url, headers, body, this.o, this.signal);
      ({ status, statusText } = res);
      if (res.ok && (this.min || method == 'HEAD')) discard(res);
      else {
        const text = await res.text();
        let json: unknown;
        try {
          json = text && this.h.accept != 'text/csv' ? JSON.parse(text) : text || null;
        } catch {
          // Not JSON: a proxy's HTML or plain-text page; `json` stays undefined.
        }
        // An error body, or a 2xx that is not the JSON PostgREST promises (as postgrest-js).
        if (!res.ok || json === undefined)
          error = new PostgrestError(
            json && typeof json == 'object' ? { message: text, ...json } : { message: text },
          );
        else data = json;
      }
      // Content-Range: 0-9/42 (or /* when no count was asked for).
      const total = /count=/.test(this.p) && res.headers.get('content-range')?.split('/')[1];
      if (total && total != '*') count = +total;
      if (this.ms && Array.isArray(data)) {
        if (data.length > 1) {
          // Same error PostgREST gives single(); maybeSingle() is resolved client-side.
          error = new PostgrestError({
            code: 'PGRST116',
            details: `Results contain ${data.length} rows`,
            message: 'JSON object requested, multiple (or no) rows returned',
          });
          status = 406;
          statusText = 'Not Acceptable';
        } else data = data[0] ?? null;
      }
    } catch (e) {
      // String(err) is "TypeError: fetch failed" / "TimeoutError: …": name and message in one;
      // the underlying error (and its own cause, e.g. ECONNREFUSED) stays on `error.cause`.
      error = new PostgrestError(
        {
          message: String(e),
          code: CODES[(e as Error | undefined)?.name ?? ''] ?? 'FETCH_ERROR',
        },
        { cause: e },
      );
    }
    if (error) {
      if (this.t) throw error;
      data = count = null;
    }
    return { data, error, count, status, statusText } as PostgrestResult<Result, Throw>;
  }
}
