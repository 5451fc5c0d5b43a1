import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An Auth API error as GoTrue answers it: an HTTP status and a stable `error_code` (the codes
 * of Supabase Auth: `invalid_credentials`, `otp_expired`, `refresh_token_already_used`, …).
 */
export class AuthApiError extends Error {
  override readonly name = 'AuthApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The OAuth error shape the token endpoint uses for a missing refresh token. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export const badRequest = (code: string, message: string): AuthApiError =>
  new AuthApiError(400, code, message);
export const forbidden = (code: string, message: string): AuthApiError =>
  new AuthApiError(403, code, message);
export const unprocessable = (code: string, message: string): AuthApiError =>
  new AuthApiError(422, code, message);

const API_VERSION_HEADER = 'x-supabase-api-version';

/** True when the client asked for the 2024-01-01 API (auth-js does): errors as `{code, message}`. */
export function wantsApi20240101(req: IncomingMessage): boolean {
  const version = req.headers[API_VERSION_HEADER];
  const value = Array.isArray(version) ? version[0] : version;
  return value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= '2024-01-01';
}

/** Writes an error in the shape the request's API version expects, with `x-sb-error-code`. */
export function sendAuthError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
  };
  if (error instanceof OAuthError) {
    res.writeHead(400, headers);
    res.end(JSON.stringify({ error: error.error, error_description: error.description }));
    return;
  }
  const known =
    error instanceof AuthApiError
      ? error
      : new AuthApiError(
          500,
          'unexpected_failure',
          'Unexpected failure, please check server logs for more information',
        );
  headers['x-sb-error-code'] = known.code;
  const modern = wantsApi20240101(req);
  if (modern) headers[API_VERSION_HEADER] = '2024-01-01';
  const body = modern
    ? { code: known.code, message: known.message, ...known.extra }
    : { code: known.status, error_code: known.code, msg: known.message, ...known.extra };
  res.writeHead(known.status, headers);
  res.end(JSON.stringify(body));
}
