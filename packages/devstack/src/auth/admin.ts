import { randomBytes } from 'node:crypto';
import { verifiedClaims } from './account.js';
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
import { newOtp, sendVerification, tokenHash, verifyLink } from './mail.js';
import {
  checkPassword,
  confirmEmail,
  createUser,
  findUserByEmail,
  findUserById,
  hashPassword,
  isConfirmed,
  mergeMetadata,
  normaliseEmail,
  reloadUser,
  userJson,
  type Db,
} from './users.js';

/** The roles GoTrue's admin endpoints accept (its default GOTRUE_JWT_ADMIN_ROLES). */
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);

async function requireAdmin(ctx: AuthContext, request: AuthRequest): Promise<void> {
  const claims = await verifiedClaims(ctx, request);
  if (!ADMIN_ROLES.has(claims.role ?? '')) throw forbidden('not_admin', 'User not allowed');
}

const notFound = (): AuthApiError => new AuthApiError(404, 'user_not_found', 'User not found');

function emailTaken(): AuthApiError {
  return unprocessable(
    'email_exists',
    'A user with this email address has already been registered',
  );
}

/** `ban_duration` as GoTrue takes it: `none`, or a Go-style duration such as `24h` or `90m`. */
function bannedUntil(value: unknown): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const match = typeof value === 'string' ? /^(\d+)(h|m|s)$/.exec(value) : null;
  if (!match)
    throw badRequest(
      'validation_failed',
      'ban_duration must be "none" or like "24h", "30m", "10s"',
    );
  const seconds = Number(match[1]) * { h: 3600, m: 60, s: 1 }[match[2] as 'h' | 'm' | 's'];
  return new Date(Date.now() + seconds * 1000);
}

async function updateAttributes(
  ctx: AuthContext,
  db: Db,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  const user = await reloadUser(db, id);
  if (stringField(body, 'email') !== undefined) {
    const email = normaliseEmail(body.email);
    const taken = await findUserByEmail(db, email);
    if (taken && taken.id !== id) throw emailTaken();
    await db.query(`update auth.users set email = $2, updated_at = now() where id = $1`, [
      id,
      email,
    ]);
    await db.query(
      `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text)
       where user_id = $1 and provider = 'email'`,
      [id, email],
    );
  }
  if (body.password !== undefined) {
    const password = checkPassword(body.password, ctx.config.minimumPasswordLength);
    await db.query(
      `update auth.users set encrypted_password = $2, updated_at = now() where id = $1`,
      [id, await hashPassword(password)],
    );
  }
  if (body.email_confirm === true) await confirmEmail(db, id);
  const userMetadata = objectField(body, 'user_metadata');
  if (userMetadata)
    await db.query(`update auth.users set raw_user_meta_data = $2 where id = $1`, [
      id,
      JSON.stringify(mergeMetadata(user.raw_user_meta_data, userMetadata)),
    ]);
  const appMetadata = objectField(body, 'app_metadata');
  if (appMetadata)
    await db.query(`update auth.users set raw_app_meta_data = $2 where id = $1`, [
      id,
      JSON.stringify(mergeMetadata(user.raw_app_meta_data, appMetadata)),
    ]);
  if (stringField(body, 'role') !== undefined)
    await db.query(`update auth.users set role = $2 where id = $1`, [id, body.role]);
  const ban = bannedUntil(body.ban_duration);
  if (ban !== undefined)
    await db.query(`update auth.users set banned_until = $2 where id = $1`, [id, ban]);
}

/** /admin/users and /admin/users/:id: the user administration `auth.admin.*` calls. */
export async function adminUsers(
  ctx: AuthContext,
  request: AuthRequest,
  id?: string,
): Promise<AuthResult> {
  await requireAdmin(ctx, request);
  const { method, body } = request;
  if (id === undefined && method === 'GET') {
    const page = Math.max(1, Number(request.query.get('page')) || 1);
    const perPage = Math.min(1000, Math.max(1, Number(request.query.get('per_page')) || 50));
    const { rows } = await ctx.db.query<{ id: string; total: number }>(
      `select id, count(*) over ()::int as total from auth.users where deleted_at is null
       order by created_at desc limit $1 offset $2`,
      [perPage, (page - 1) * perPage],
    );
    const users = [];
    for (const row of rows) users.push(await userJson(ctx.db, await reloadUser(ctx.db, row.id)));
    const total =
      rows[0]?.total ??
      (await ctx.db.query<{ n: number }>(`select count(*)::int as n from auth.users`)).rows[0]!.n;
    return ok({ users, aud: 'authenticated' }, { 'x-total-count': String(total) });
  }
  if (id === undefined && method === 'POST') {
    const email = normaliseEmail(body.email);
    return transaction(ctx, async (db) => {
      if (await findUserByEmail(db, email)) throw emailTaken();
      const password =
        body.password === undefined
          ? null
          : checkPassword(body.password, ctx.config.minimumPasswordLength);
      const user = await createUser(db, {
        email,
        password,
        userMetadata: objectField(body, 'user_metadata') ?? {},
        appMetadata: objectField(body, 'app_metadata') ?? {},
        confirmed: body.email_confirm === true,
        ...(stringField(body, 'role') ? { role: stringField(body, 'role')! } : {}),
      });
      const ban = bannedUntil(body.ban_duration);
      if (ban)
        await db.query(`update auth.users set banned_until = $2 where id = $1`, [user.id, ban]);
      return ok(await userJson(db, await reloadUser(db, user.id)));
    });
  }
  if (id === undefined) throw new AuthApiError(405, 'method_not_allowed', 'Method not allowed');
  if (!(await findUserById(ctx.db, id))) throw notFound();
  if (method === 'GET') return ok(await userJson(ctx.db, await reloadUser(ctx.db, id)));
  if (method === 'PUT')
    return transaction(ctx, async (db) => {
      await updateAttributes(ctx, db, id, body);
      return ok(await userJson(db, await reloadUser(db, id)));
    });
  if (method === 'DELETE') {
    await ctx.db.query(`delete from auth.users where id = $1`, [id]);
    return ok({});
  }
  throw new AuthApiError(405, 'method_not_allowed', 'Method not allowed');
}

/** POST /invite: `auth.admin.inviteUserByEmail`; the invited user confirms from the e-mail. */
export async function invite(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  await requireAdmin(ctx, request);
  const email = normaliseEmail(request.body.email);
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));
  return transaction(ctx, async (db) => {
    let user = await findUserByEmail(db, email, true);
    if (user && isConfirmed(user)) throw emailTaken();
    user ??= await createUser(db, {
      email,
      password: null,
      userMetadata: objectField(request.body, 'data') ?? {},
      confirmed: false,
      invited: true,
    });
    await sendVerification(ctx, db, user, 'invite', {
      pkce: false,
      redirectTo,
      checkFrequency: false,
    });
    return ok(await userJson(db, await reloadUser(db, user.id)));
  });
}

type LinkType = 'signup' | 'invite' | 'magiclink' | 'recovery';
const COLUMN: Record<LinkType, [string, string]> = {
  signup: ['confirmation_token', 'confirmation_sent_at'],
  invite: ['confirmation_token', 'confirmation_sent_at'],
  magiclink: ['recovery_token', 'recovery_sent_at'],
  recovery: ['recovery_token', 'recovery_sent_at'],
};

/**
 * POST /admin/generate_link: the link and code an e-mail would carry, without sending one (for
 * sign-in from scripts and tests). Types signup, invite, magiclink and recovery.
 */
export async function generateLink(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  await requireAdmin(ctx, request);
  const { body } = request;
  const type = stringField(body, 'type') as LinkType | undefined;
  if (!type || !(type in COLUMN))
    throw badRequest(
      'validation_failed',
      'type must be one of signup, invite, magiclink, recovery',
    );
  const email = normaliseEmail(body.email);
  const redirectTo = referrer(
    ctx.config,
    stringField(body, 'redirect_to') ?? request.query.get('redirect_to'),
  );
  return transaction(ctx, async (db) => {
    let user = await findUserByEmail(db, email, true);
    if (type === 'recovery' && !user) throw notFound();
    if ((type === 'signup' || type === 'invite') && user && isConfirmed(user)) throw emailTaken();
    user ??= await createUser(db, {
      email,
      password:
        type === 'signup'
          ? checkPassword(body.password, ctx.config.minimumPasswordLength)
          : type === 'invite'
            ? null
            : randomBytes(24).toString('base64url'),
      userMetadata: objectField(body, 'data') ?? {},
      confirmed: false,
      invited: type === 'invite',
    });
    const otp = newOtp(ctx.config.otpLength);
    const hashed = tokenHash(email, otp);
    const [tokenColumn, sentColumn] = COLUMN[type];
    await db.query(
      `update auth.users set ${tokenColumn} = $2, ${sentColumn} = now() where id = $1`,
      [user.id, hashed],
    );
    return ok({
      ...(await userJson(db, await reloadUser(db, user.id))),
      action_link: verifyLink(ctx.config, { kind: type, token: hashed, redirectTo }),
      email_otp: otp,
      hashed_token: hashed,
      redirect_to: redirectTo,
      verification_type: type,
    });
  });
}
