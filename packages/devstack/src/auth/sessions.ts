import { randomBytes, randomUUID } from 'node:crypto';
import type { TokenKeys } from '../tokens.js';
import type { AuthConfig } from './config.js';
import { badRequest, OAuthError, type AuthApiError } from './errors.js';
import { isBanned, reloadUser, userJson, type Db, type UserRow } from './users.js';

export interface SessionContext {
  keys: TokenKeys;
  config: AuthConfig;
}

/** What the token endpoints return (GoTrue's AccessTokenResponse). */
export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
}

/** Refresh tokens as GoTrue's first algorithm issues them: short random strings in a table. */
function newRefreshToken(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
}

interface RefreshTokenRow {
  id: string;
  token: string;
  revoked: boolean;
  parent: string | null;
  session_id: string | null;
  user_id: string;
  updated_at: Date;
}

/** The access token of a session: GoTrue's claims (aal, amr, session_id, …), signed ES256. */
async function accessToken(
  ctx: SessionContext,
  db: Db,
  user: UserRow,
  sessionId: string,
): Promise<{ token: string; expiresAt: number }> {
  const { rows } = await db.query<{ method: string; timestamp: number }>(
    `select authentication_method as method, extract(epoch from updated_at)::bigint::int as timestamp
     from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  );
  const expiresAt = Math.floor(Date.now() / 1000) + ctx.config.jwtExpirySeconds;
  const token = await ctx.keys.sign(
    {
      iss: ctx.keys.issuer,
      sub: user.id,
      aud: user.aud ?? 'authenticated',
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? 'authenticated',
      aal: 'aal1',
      amr: rows,
      session_id: sessionId,
      is_anonymous: user.is_anonymous,
    },
    { exp: expiresAt },
  );
  return { token, expiresAt };
}

async function respond(
  ctx: SessionContext,
  db: Db,
  userId: string,
  sessionId: string,
  refreshToken: string,
): Promise<TokenResponse> {
  const user = await reloadUser(db, userId);
  const { token, expiresAt } = await accessToken(ctx, db, user, sessionId);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: expiresAt - Math.floor(Date.now() / 1000),
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: await userJson(db, user),
  };
}

/**
 * Starts a session for `user` (call inside a transaction): a session row, its first refresh
 * token, the sign-in method as an AMR claim, and the access token.
 */
export async function issueSession(
  ctx: SessionContext,
  db: Db,
  user: UserRow,
  method: string,
  client: { userAgent?: string; ip?: string } = {},
): Promise<TokenResponse> {
  const sessionId = randomUUID();
  await db.query(
    `insert into auth.sessions (id, user_id, aal, user_agent, ip) values ($1, $2, 'aal1', $3, $4::inet)`,
    [sessionId, user.id, client.userAgent ?? null, client.ip ?? null],
  );
  const refreshToken = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, $3)`,
    [refreshToken, user.id, sessionId],
  );
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values ($1, $2, now(), now(), $3)
     on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey do update set updated_at = now()`,
    [randomUUID(), sessionId, method],
  );
  await db.query(
    `update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1`,
    [user.id],
  );
  return respond(ctx, db, user.id, sessionId, refreshToken);
}

/**
 * The refresh_token grant with GoTrue's rotation and reuse detection: each refresh revokes the
 * token and issues its child. Presenting a revoked token again returns the active child when it
 * is that token's direct successor (a client that lost the response), or within the reuse
 * interval; past that it is reuse: every token of the session is revoked, the session ended,
 * and `refresh_token_already_used` returned. Call inside a transaction.
 */
export async function refreshGrant(
  ctx: SessionContext,
  db: Db,
  presented: unknown,
): Promise<TokenResponse | AuthApiError> {
  if (typeof presented !== 'string' || presented === '')
    throw new OAuthError('invalid_request', 'refresh_token required');
  const { rows } = await db.query<RefreshTokenRow>(
    `select id, token, revoked, parent, session_id, user_id, updated_at from auth.refresh_tokens
     where token = $1 for update`,
    [presented],
  );
  const row = rows[0];
  if (!row)
    throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  const session = row.session_id
    ? (
        await db.query<{ id: string }>(`select id from auth.sessions where id = $1 for update`, [
          row.session_id,
        ])
      ).rows[0]
    : undefined;
  if (!session)
    throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
  const user = await reloadUser(db, row.user_id);
  if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');

  let issued: string | undefined;
  if (row.revoked) {
    const active = (
      await db.query<RefreshTokenRow>(
        `select id, token, parent from auth.refresh_tokens where session_id = $1 and revoked = false
         order by id desc limit 1`,
        [session.id],
      )
    ).rows[0];
    const reuseUntil =
      row.updated_at.getTime() + ctx.config.refreshTokenReuseIntervalSeconds * 1000;
    if (active && active.parent === row.token) issued = active.token;
    else if (Date.now() > reuseUntil || !active) {
      // Reuse: end the session (its refresh tokens go with it), so its access tokens stop
      // working at Auth too.
      await db.query(`delete from auth.sessions where id = $1`, [session.id]);
      // Returned, not thrown: the revocation must commit.
      return badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    } else issued = active.token;
  }
  if (!issued) {
    await db.query(
      `update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`,
      [row.id],
    );
    issued = newRefreshToken();
    await db.query(
      `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, parent, session_id)
       values ('00000000-0000-0000-0000-000000000000', $1, $2, false, $3, $4)`,
      [issued, user.id, row.token, session.id],
    );
  }
  await db.query(
    `update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1`,
    [session.id],
  );
  return respond(ctx, db, user.id, session.id, issued);
}

export type LogoutScope = 'global' | 'local' | 'others';

/** Ends sessions as GoTrue's `/logout?scope=` does; without a session id, every session. */
export async function logout(
  db: Db,
  userId: string,
  sessionId: string | undefined,
  scope: LogoutScope,
): Promise<void> {
  if (sessionId && scope === 'local') {
    await db.query(`delete from auth.sessions where id = $1`, [sessionId]);
  } else if (sessionId && scope === 'others') {
    await db.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [
      userId,
      sessionId,
    ]);
  } else {
    await db.query(`delete from auth.sessions where user_id = $1`, [userId]);
  }
}
