/**
 * The invitation e-mail, sent by the project's Supabase Auth (its SMTP and its e-mail
 * templates): an address without an account gets Auth's invite (`POST /auth/v1/invite`, the
 * "Invite user" template), one that has an account a magic link (`POST /auth/v1/otp`, the
 * "Magic Link" template). Either link signs the person in to the dashboard, which then accepts
 * the invitation for the confirmed address (public.accept_invitations).
 */
import { IngestError } from './errors.js';
import { serviceHeaders, type SupabaseEnv } from './supabase.js';

export type InviteMail = 'invite' | 'magiclink';

async function authPost(
  env: SupabaseEnv,
  path: string,
  redirectTo: string | undefined,
  body: unknown,
): Promise<Response> {
  const query = redirectTo ? `?redirect_to=${encodeURIComponent(redirectTo)}` : '';
  return fetch(`${env.SUPABASE_URL}/auth/v1/${path}${query}`, {
    method: 'POST',
    headers: { ...serviceHeaders(env), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as {
    code?: unknown;
    error_code?: unknown;
  };
  const code = body.error_code ?? body.code;
  return typeof code === 'string' || typeof code === 'number'
    ? String(code)
    : String(response.status);
}

/**
 * @example
 * const sent = await sendInvitation(env, 'ada@example.com', 'https://dash.example.com/', { site: 'shop' });
 */
export async function sendInvitation(
  env: SupabaseEnv,
  email: string,
  redirectTo: string | undefined,
  data: Record<string, string>,
): Promise<InviteMail> {
  try {
    const invited = await authPost(env, 'invite', redirectTo, { email, data });
    if (invited.ok) {
      await invited.body?.cancel();
      return 'invite';
    }
    const code = await errorCode(invited);
    if (code === 'email_exists' || code === '422') {
      const link = await authPost(env, 'otp', redirectTo, { email, create_user: false });
      if (link.ok) {
        await link.body?.cancel();
        return 'magiclink';
      }
      throw mailError(link.status, await errorCode(link));
    }
    throw mailError(invited.status, code);
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(502, 'email_failed', 'Auth could not be reached to send the e-mail', {
      cause: error,
    });
  }
}

function mailError(status: number, code: string): IngestError {
  if (status === 429 || code === 'over_email_send_rate_limit')
    return new IngestError(
      429,
      'email_rate_limited',
      'Auth refused to send another e-mail to this address so soon; the invitation is saved, send it again later',
    );
  return new IngestError(
    502,
    'email_failed',
    `Auth did not send the e-mail (${code}); the invitation is saved, send it again later`,
  );
}
