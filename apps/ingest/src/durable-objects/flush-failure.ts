/**
 * Why an `ingest_batch` call failed, and whether sending the same batch again can help.
 *
 * - `permanent`: the batch's CONTENT is what the database refuses (a Postgres data exception,
 *   an integrity violation, a program limit, PostgREST refusing the JSON body, 400/413/422).
 *   The same bytes fail forever, so retrying them would wedge the site's outbox: the batch is
 *   split to store what can be stored, and the rest goes to the dead-letter store.
 * - `retry`: anything else — no answer (network, timeout), 5xx, and the errors every batch would
 *   get alike (a missing function or permission, a bad key: a deploy or configuration to fix).
 *   Splitting cannot help there; the batch is retried with back-off, as during an outage.
 *
 * Postgres codes are SQLSTATEs (classes: https://www.postgresql.org/docs/current/errcodes-appendix.html);
 * `PGRST…` are PostgREST's own.
 */

export type FlushFailureKind = 'permanent' | 'retry';

export interface FlushFailure {
  kind: FlushFailureKind;
  /** Stable and short: the SQLSTATE or PostgREST code, else `http_<status>`, else `network`. */
  reason: string;
  message: string;
}

/** SQLSTATE classes whose errors come from the data sent. */
const PERMANENT_CLASSES = new Set([
  '22', // data exception: 22P05 untranslatable character, 22P02, 22003 out of range, 22023, …
  '23', // integrity constraint violation
  '54', // program limit exceeded: a value or statement too large (splitting helps)
]);

/** PostgREST codes that are about the request body. */
const PERMANENT_POSTGREST = new Set([
  'PGRST102', // "Empty or invalid json": the body did not parse (e.g. an unpaired surrogate)
]);

/** HTTP statuses, without a code to go by, that refuse this request's content. */
const PERMANENT_STATUSES = new Set([400, 413, 422]);

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * @param status - the HTTP status (0: no answer)
 * @param code - the error body's `code` (a SQLSTATE, `PGRST…`, or the client's `FETCH_ERROR`,
 *   `TIMEOUT`, `ABORTED`)
 * @example
 * classifyFlushFailure({ status: 400, code: '22P05', message: 'unsupported Unicode escape sequence' })
 * // { kind: 'permanent', reason: '22P05', message: 'unsupported Unicode escape sequence' }
 */
export function classifyFlushFailure(error: {
  status: number;
  code?: string | null;
  message: string;
}): FlushFailure {
  const { status, message } = error;
  const code = error.code ?? '';
  if (status === 0)
    return { kind: 'retry', reason: code ? code.toLowerCase() : 'network', message };
  if (code.startsWith('PGRST'))
    return { kind: PERMANENT_POSTGREST.has(code) ? 'permanent' : 'retry', reason: code, message };
  if (SQLSTATE.test(code))
    return {
      kind: PERMANENT_CLASSES.has(code.slice(0, 2)) ? 'permanent' : 'retry',
      reason: code,
      message,
    };
  const reason = code || `http_${status}`;
  return { kind: PERMANENT_STATUSES.has(status) ? 'permanent' : 'retry', reason, message };
}
