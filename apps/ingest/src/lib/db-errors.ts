/**
 * PostgREST's answer to a refused call, as the Worker answers it: the database's stable code
 * (its `details`, see supabase/schemas/05_members.sql) and an HTTP status from the SQLSTATE.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { IngestError, type AccessErrorCode, type StatsErrorCode } from './errors.js';

export interface PostgrestFailure {
  code?: string;
  message: string;
  details?: string | null;
}

const PASSED_ON = new Set<AccessErrorCode | StatsErrorCode>([
  'sign_in_required',
  'not_readable',
  'not_allowed',
  'already_member',
  'invalid_email',
  'invalid_role',
  'share_not_found',
  'share_revoked',
  'share_expired',
  'password_required',
  'wrong_password',
  'invalid_password',
  'report_hidden',
]);

const STATUS: Record<string, ContentfulStatusCode> = {
  '42501': 403,
  '22023': 400,
  '23505': 409,
  PT404: 404,
  PT410: 410,
};

/**
 * @example
 * if (error) throw fromPostgrest(error);
 */
export function fromPostgrest(error: PostgrestFailure): IngestError {
  const code = error.details as AccessErrorCode | StatsErrorCode;
  if (/^PGRST30/.test(error.code ?? ''))
    return new IngestError(401, 'invalid_token', 'the token was refused by the database');
  if (PASSED_ON.has(code)) {
    // A password is asked for or wrong: 401, so the dashboard asks for it.
    const status =
      code === 'password_required' || code === 'wrong_password'
        ? 401
        : (STATUS[error.code ?? ''] ?? 400);
    return new IngestError(status, code, error.message);
  }
  return new IngestError(
    503,
    'database_unavailable',
    'the database could not answer, retry later',
    {
      cause: error,
    },
  );
}
