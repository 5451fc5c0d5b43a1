/**
 * The error every failed call resolves with (or throws, after `throwOnError()`): PostgREST's own
 * error body (`code`, `details`, `hint`, `message`) or, for failures before a response, one of the
 * client codes below. `details` and `hint` are always strings (PostgREST sends `null` for absent
 * ones) so callers never need a null check.
 */
export interface PostgrestErrorInit {
  message: string;
  code?: string | null;
  details?: string | null;
  hint?: string | null;
}

/**
 * Client-side codes, for failures that never produced a PostgREST error body:
 * - `FETCH_ERROR`: the network call failed (DNS, reset, refused)
 * - `TIMEOUT`: the per-request timeout elapsed
 * - `ABORTED`: the caller's `AbortSignal` fired
 * - `PGRST116`: `maybeSingle()` got more than one row (same code PostgREST uses for `single()`)
 */
export type PostgrestClientErrorCode = 'FETCH_ERROR' | 'TIMEOUT' | 'ABORTED';

export class PostgrestError extends Error {
  code: string;
  details: string;
  hint: string;

  constructor(init: PostgrestErrorInit, options?: { cause?: unknown }) {
    super(init.message, options);
    this.name = 'PostgrestError';
    this.code = init.code ?? '';
    this.details = init.details ?? '';
    this.hint = init.hint ?? '';
  }

  /** A plain object for logs and JSON: `message` is not an own enumerable property of an Error. */
  toJSON(): { name: string; message: string; code: string; details: string; hint: string } {
    return { ...this, message: this.message };
  }
}
