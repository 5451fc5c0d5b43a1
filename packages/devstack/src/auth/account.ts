import { bearerOf } from '../api-keys.js';
import { TokenError } from '../tokens.js';
import { referrer } from './config.js';
import {
  objectField,
  ok,
  stringField,
  transaction,
  type AuthContext,
  type AuthRequest,
  type AuthResult,
} from './context.js';
import { AuthApiError, badRequest, forbidden, unprocessable } from './errors.js';
import { sendEmailChange } from './mail.js';
import { createFlowState, pkceParams } from './pkce.js';
import { logout as endSessions } from './sessions.js';
import {
  checkPassword,
  findUserByEmail,
  hashPassword,
  isBanned,
  isUuid,
  mergeMetadata,
  normaliseEmail,
  passwordMatches,
  reloadUser,
  userJson,
  findUserById,
  type UserRow,
} from './users.js';
import type { JWTPayload } from 'jose';

export interface Authenticated {
  claims: JWTPayload & { role?: string; session_id?: string };
  user: UserRow;
  sessionId: string | undefined;
}

/** The bearer's verified claims, or GoTrue's error for a missing or bad token. */
export async function verifiedClaims(
  ctx: AuthContext,
  request: AuthRequest,
): Promise<Authenticated['claims']> {
  const token = bearerOf(request.req);
  if (!token)
    throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return (await ctx.keys.verify(token)).claims;
  } catch (error) {
    const reason = error instanceof TokenError ? error.message : 'invalid token';
    throw new AuthApiError(
      403,
      'bad_jwt',
      `invalid JWT: unable to parse or verify signature, ${reason}`,
      {},
      {
        cause: error,
      },
    );
  }
}

/**
 * GoTrue's requireAuthentication: a verified user token whose user exists and whose session
 * (`session_id`) has not ended — a signed-out or reused session stops working here at once.
 */
export async function authenticate(ctx: AuthContext, request: AuthRequest): Promise<Authenticated> {
  const claims = await verifiedClaims(ctx, request);
  if (typeof claims.sub !== 'string' || claims.sub === '')
    throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  if (!isUuid(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(ctx.db, claims.sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  const sessionId =
    typeof claims.session_id === 'string' && claims.session_id !== ''
      ? claims.session_id
      : undefined;
  if (sessionId) {
    const { rows } = await ctx.db.query(`select 1 from auth.sessions where id = $1`, [
      isUuid(sessionId) ? sessionId : '00000000-0000-0000-0000-000000000000',
    ]);
    if (rows.length === 0)
      throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { claims, user, sessionId };
}

/** GET /user. */
export async function getUser(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { claims, user } = await authenticate(ctx, request);
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (aud !== (user.aud ?? 'authenticated'))
    throw badRequest('validation_failed', "Token audience doesn't match request audience");
  return ok(await userJson(ctx.db, user));
}

/**
 * PUT /user: `updateUser`. A new password ends the user's other sessions (GoTrue's rule); a new
 * e-mail address is changed only once confirmed from the e-mail(s) sent.
 */
export async function updateUser(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { user, sessionId } = await authenticate(ctx, request);
  const { body } = request;
  if (stringField(body, 'phone') !== undefined)
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (body.app_metadata !== undefined)
    throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
  const email = stringField(body, 'email') !== undefined ? normaliseEmail(body.email) : undefined;
  const password =
    body.password === undefined || body.password === null
      ? undefined
      : checkPassword(body.password, ctx.config.minimumPasswordLength);
  const data = objectField(body, 'data');
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));
  if (password !== undefined && (await passwordMatches(user, password)))
    throw unprocessable('same_password', 'New password should be different from the old password.');

  return transaction(ctx, async (db) => {
    const current = await reloadUser(db, user.id);
    if (password !== undefined) {
      await db.query(
        `update auth.users set encrypted_password = $2, confirmation_token = '', recovery_token = '',
           email_change_token_new = '', email_change_token_current = '', updated_at = now() where id = $1`,
        [user.id, await hashPassword(password)],
      );
      await endSessions(db, user.id, sessionId, 'others');
    }
    if (data)
      await db.query(
        `update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1`,
        [user.id, JSON.stringify(mergeMetadata(current.raw_user_meta_data, data))],
      );
    if (email !== undefined && email !== current.email) {
      const taken = await findUserByEmail(db, email);
      if (taken && taken.id !== user.id)
        throw unprocessable(
          'email_exists',
          'A user with this email address has already been registered',
        );
      if (pkce) await createFlowState(db, user.id, pkce, 'email_change', 'email_change');
      await sendEmailChange(ctx, db, current, email, { pkce: !!pkce, redirectTo });
    }
    return ok(await userJson(db, await reloadUser(db, user.id)));
  });
}

/** POST /logout?scope=global|local|others. */
export async function logout(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const scope = request.query.get('scope') ?? 'global';
  if (scope !== 'global' && scope !== 'local' && scope !== 'others')
    throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
  const { user, sessionId } = await authenticate(ctx, request);
  await transaction(ctx, (db) => endSessions(db, user.id, sessionId, scope));
  return { status: 204 };
}
