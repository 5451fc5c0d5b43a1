import { referrer } from './config.js';
import {
  ok,
  stringField,
  transaction,
  type AuthContext,
  type AuthRequest,
  type AuthResult,
} from './context.js';
import { AuthApiError, badRequest, forbidden } from './errors.js';
import { tokenHash } from './mail.js';
import { issueAuthCode, methodOfType } from './pkce.js';
import { issueSession } from './sessions.js';
import {
  confirmEmail,
  isBanned,
  normaliseEmail,
  reloadUser,
  type Db,
  type UserRow,
} from './users.js';

type VerifyType = 'signup' | 'invite' | 'magiclink' | 'recovery' | 'email_change' | 'email';

/** The columns a verification type's token may be in. */
const TOKEN_COLUMNS: Record<VerifyType, string[]> = {
  signup: ['confirmation_token'],
  invite: ['confirmation_token'],
  magiclink: ['recovery_token'],
  recovery: ['recovery_token'],
  email: ['confirmation_token', 'recovery_token'],
  email_change: ['email_change_token_new', 'email_change_token_current'],
};

const SENT_AT: Record<string, keyof UserRow> = {
  confirmation_token: 'confirmation_sent_at',
  recovery_token: 'recovery_sent_at',
  email_change_token_new: 'email_change_sent_at',
  email_change_token_current: 'email_change_sent_at',
};

const SINGLE_CONFIRMATION =
  'Confirmation link accepted. Please proceed to confirm link sent to the other email';

function verifyType(type: string | undefined): VerifyType {
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type');
  if (type === 'sms' || type === 'phone_change')
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (!(type in TOKEN_COLUMNS))
    throw badRequest('validation_failed', 'Unsupported verification type');
  return type as VerifyType;
}

interface Match {
  user: UserRow;
  column: string;
}

/** Finds the user a token (hash) belongs to, checking the columns of its type and the expiry. */
async function findByToken(
  ctx: AuthContext,
  db: Db,
  type: VerifyType,
  candidates: string[],
  byEmail: string | undefined,
  expired: AuthApiError,
): Promise<Match> {
  for (const column of TOKEN_COLUMNS[type]) {
    const { rows } = await db.query<{ id: string }>(
      `select id from auth.users where ${column} = any ($1::text[]) and ${column} <> ''
         and ($2::text is null or lower(email) = $2 or lower(email_change) = $2)
       for update`,
      [candidates, byEmail ?? null],
    );
    if (!rows[0]) continue;
    const user = await reloadUser(db, rows[0].id);
    if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
    const sentAt = user[SENT_AT[column]!] as Date | null;
    if (!sentAt || sentAt.getTime() + ctx.config.otpExpirySeconds * 1000 < Date.now())
      throw expired;
    return { user, column };
  }
  throw expired;
}

/** Applies a verified token: confirms, signs in, or (one step of) changes the e-mail address. */
async function apply(
  ctx: AuthContext,
  db: Db,
  match: Match,
): Promise<{ type: string; single: boolean }> {
  const { user, column } = match;
  if (column === 'confirmation_token') {
    await confirmEmail(db, user.id);
    return { type: user.invited_at ? 'invite' : 'signup', single: false };
  }
  if (column === 'recovery_token') {
    await db.query(
      `update auth.users set recovery_token = '', recovery_sent_at = null where id = $1`,
      [user.id],
    );
    await confirmEmail(db, user.id);
    return { type: 'magiclink', single: false };
  }
  // E-mail change. With confirmations on (secure change) both addresses confirm, in any order.
  const secure =
    ctx.config.enableConfirmations && !!user.email && !!user.email_change_token_current;
  if (secure && (user.email_change_confirm_status ?? 0) === 0) {
    await db.query(
      `update auth.users set ${column} = '', email_change_confirm_status = 1, updated_at = now() where id = $1`,
      [user.id],
    );
    return { type: 'email_change', single: true };
  }
  await db.query(
    `update auth.users set email = email_change, email_change = '', email_change_token_new = '',
       email_change_token_current = '', email_change_confirm_status = 0, email_change_sent_at = null,
       email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() where id = $1`,
    [user.id],
  );
  await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', true),
       updated_at = now() where user_id = $1 and provider = 'email'`,
    [user.id, user.email_change],
  );
  return { type: 'email_change', single: false };
}

/** POST /verify: `verifyOtp` with an e-mail and code, or with a token hash; answers with a session. */
export async function verifyPost(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  const type = verifyType(stringField(body, 'type'));
  const code = stringField(body, 'token');
  const hash = stringField(body, 'token_hash');
  if ((code === undefined) === (hash === undefined))
    throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
  let candidates: string[];
  let email: string | undefined;
  let expired: AuthApiError;
  if (code !== undefined) {
    if (stringField(body, 'phone') !== undefined)
      throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
    if (stringField(body, 'email') === undefined)
      throw badRequest(
        'validation_failed',
        'Only an email address or phone number should be provided on verify',
      );
    email = normaliseEmail(body.email);
    const hashed = tokenHash(email, code);
    candidates = [hashed, `pkce_${hashed}`];
    expired = forbidden('otp_expired', 'Token has expired or is invalid');
  } else {
    if (stringField(body, 'email') !== undefined || stringField(body, 'phone') !== undefined)
      throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
    candidates = [hash!];
    expired = forbidden('otp_expired', 'Email link is invalid or has expired');
  }
  return transaction(ctx, async (db) => {
    const match = await findByToken(ctx, db, type, candidates, email, expired);
    const applied = await apply(ctx, db, match);
    if (applied.single) return ok({ msg: SINGLE_CONFIRMATION, code: '200' });
    return ok(
      await issueSession(ctx, db, await reloadUser(db, match.user.id), 'otp', request.client),
    );
  });
}

const OAUTH_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
};

/** Adds `params` to the URL's fragment (GoTrue marks its redirects with `sb`). */
function withFragment(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  const fragment = new URLSearchParams({ ...params, sb: '' });
  target.hash = fragment.toString();
  return target.toString();
}

/**
 * GET /verify: the link in an e-mail. Implicit flow: redirects with the session in the URL
 * fragment. PKCE (a `pkce_` token): redirects with `?code=`, which the app exchanges with its
 * code verifier. Failures redirect too, with `error`, `error_code`, `error_description`.
 */
export async function verifyGet(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));
  const token = request.query.get('token') ?? '';
  const pkce = token.startsWith('pkce_');
  try {
    const type = verifyType(request.query.get('type') ?? undefined);
    if (token === '')
      throw badRequest('validation_failed', 'Verify requires a token or a token hash');
    return await transaction(ctx, async (db) => {
      const expired = forbidden('otp_expired', 'Email link is invalid or has expired');
      const match = await findByToken(ctx, db, type, [token], undefined, expired);
      const applied = await apply(ctx, db, match);
      if (applied.single) {
        const target = new URL(redirectTo);
        if (pkce) target.searchParams.set('message', SINGLE_CONFIRMATION);
        return { redirect: withFragment(target.toString(), { message: SINGLE_CONFIRMATION }) };
      }
      if (pkce) {
        const code = await issueAuthCode(
          db,
          match.user.id,
          methodOfType(type === 'email' ? applied.type : type),
        );
        const target = new URL(redirectTo);
        target.searchParams.set('code', code);
        return { redirect: target.toString() };
      }
      const session = await issueSession(
        ctx,
        db,
        await reloadUser(db, match.user.id),
        'otp',
        request.client,
      );
      return {
        redirect: withFragment(redirectTo, {
          access_token: session.access_token,
          expires_at: String(session.expires_at),
          expires_in: String(session.expires_in),
          refresh_token: session.refresh_token,
          token_type: session.token_type,
          type,
        }),
      };
    });
  } catch (error) {
    if (!(error instanceof AuthApiError)) throw error;
    const target = new URL(redirectTo);
    const params: Record<string, string> = {
      ...(OAUTH_ERRORS[error.status] ? { error: OAUTH_ERRORS[error.status]! } : {}),
      error_code: error.code,
      error_description: error.message,
    };
    if (pkce)
      for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    return { redirect: withFragment(target.toString(), params) };
  }
}
