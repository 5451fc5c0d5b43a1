/**
 * Client errors and the one `onError` that answers them: `{ error: { code, message, issues } }`
 * with a stable machine-readable `code`. Anything unexpected is logged and answered 500 without
 * internals; hostile input must never reach that branch (the fuzz tests hold us to it).
 */
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { BatchIssue } from '@sightline/schema';

export type IngestErrorCode =
  | 'body_too_large'
  | 'invalid_json'
  | 'invalid_batch'
  | 'unsupported_media_type'
  | 'unknown_site'
  | 'origin_not_allowed'
  | 'rate_limited'
  | 'site_unavailable'
  | 'not_found'
  | 'not_public'
  | 'unauthorized'
  | 'internal'
  | AccessErrorCode
  | StatsErrorCode;

/** The Stats API's refusals (docs/stats-api.md). */
export type StatsErrorCode =
  | 'invalid_query'
  | 'invalid_range'
  | 'beyond_retention'
  | 'unsupported_query'
  | 'report_hidden'
  | 'analytics_engine_unavailable'
  | 'invalid_api_key';

/**
 * The dashboard routes' refusals (passes, invitations): bad tokens, and the database's own codes
 * for what a caller may not do (supabase/schemas/05_members.sql, 06_share_links.sql), passed on.
 */
export type AccessErrorCode =
  | 'invalid_token'
  | 'token_expired'
  | 'invalid_request'
  | 'signing_key_unavailable'
  | 'database_unavailable'
  | 'email_failed'
  | 'email_rate_limited'
  | 'sign_in_required'
  | 'not_readable'
  | 'not_allowed'
  | 'live_hidden'
  | 'already_member'
  | 'invalid_email'
  | 'invalid_role'
  | 'share_not_found'
  | 'share_revoked'
  | 'share_expired'
  | 'password_required'
  | 'wrong_password'
  | 'invalid_password';

/** An `HTTPException` that carries its machine-readable code and the schema's issues. */
export class IngestError extends HTTPException {
  readonly code: IngestErrorCode;
  readonly issues: BatchIssue[];

  constructor(
    status: ContentfulStatusCode,
    code: IngestErrorCode,
    message: string,
    options: { issues?: BatchIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(status, { message, cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;

  toJSON(): { code: IngestErrorCode; message: string; issues: BatchIssue[] } {
    return { code: this.code, message: this.message, issues: this.issues };
  }
}

export const onError: ErrorHandler = (err, c) => {
  if (err instanceof IngestError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json({ error: err.toJSON() }, err.status);
  }
  if (err instanceof HTTPException) {
    const code: IngestErrorCode = err.status === 404 ? 'not_found' : 'invalid_batch';
    return c.json({ error: { code, message: err.message, issues: [] } }, err.status);
  }
  console.error('ingest: unexpected error', err);
  return c.json({ error: { code: 'internal', message: 'internal error', issues: [] } }, 500);
};
