import { randomBytes, randomUUID } from 'node:crypto';
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
import { badRequest, unprocessable } from './errors.js';
import { sendEmailChange, sendVerification } from './mail.js';
import { createFlowState, pkceParams } from './pkce.js';
import { issueSession } from './sessions.js';
import {
  checkPassword,
  createUser,
  findUserByEmail,
  isConfirmed,
  normaliseEmail,
  userJson,
  type Db,
  type UserRow,
} from './users.js';

function rejectPhone(body: Record<string, unknown>): void {
  if (stringField(body, 'phone') !== undefined)
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
}

/**
 * POST /signup: a new user with e-mail and password. With confirmations on, a confirmation
 * e-mail goes out and the user comes back without a session; with them off, a session at once.
 * An address already confirmed gets an obfuscated user back (no e-mail), as GoTrue does, so
 * sign-up cannot be used to find out who has an account.
 */
export async function signup(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  if (ctx.config.disableSignup)
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  rejectPhone(body);
  if (typeof body.password !== 'string' || body.password === '')
    throw badRequest('validation_failed', 'Signup requires a valid password');
  const password = checkPassword(body.password, ctx.config.minimumPasswordLength);
  const email = normaliseEmail(body.email);
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
  const data = objectField(body, 'data') ?? {};
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));
  const confirmations = ctx.config.enableConfirmations;

  return transaction(ctx, async (db) => {
    let user = await findUserByEmail(db, email, true);
    if (user && isConfirmed(user)) {
      if (!confirmations) throw unprocessable('user_already_exists', 'User already registered');
      return ok(obfuscatedUser(user, data));
    }
    user ??= await createUser(db, {
      email,
      password,
      userMetadata: data,
      confirmed: !confirmations,
    });
    if (!confirmations) return ok(await issueSession(ctx, db, user, 'password', request.client));
    if (pkce) await createFlowState(db, user.id, pkce, 'email/signup', 'email');
    await sendVerification(ctx, db, user, 'signup', { pkce: !!pkce, redirectTo });
    return ok(await userJson(db, (await findUserByEmail(db, email))!));
  });
}

/** What GoTrue answers for a repeated sign-up: a user that looks new and unconfirmed. */
function obfuscatedUser(user: UserRow, data: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: 'authenticated',
    role: '',
    email: user.email,
    phone: '',
    confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

/**
 * POST /otp: the e-mail sign-in (`signInWithOtp`). A known, confirmed address gets a magic link
 * with a code; an unknown one is signed up first (unless `create_user` is false) and gets the
 * sign-up confirmation, which signs in too. PKCE when a code challenge comes with it.
 */
export async function otp(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  if (stringField(body, 'phone') !== undefined && stringField(body, 'email') !== undefined)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided',
    );
  if (stringField(body, 'phone') !== undefined)
    throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
  if (stringField(body, 'email') === undefined)
    throw badRequest('validation_failed', 'One of email or phone must be set');
  const email = normaliseEmail(body.email);
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
  const data = objectField(body, 'data') ?? {};
  const createUserAllowed = body.create_user !== false;
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));

  return transaction(ctx, async (db) => {
    let user = await findUserByEmail(db, email, true);
    if (!user && !createUserAllowed)
      throw unprocessable('otp_disabled', 'Signups not allowed for otp');
    if (!user || !isConfirmed(user)) {
      if (ctx.config.disableSignup && !user)
        throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
      // GoTrue signs the address up with a random password nobody knows.
      user ??= await createUser(db, {
        email,
        password: randomBytes(24).toString('base64url'),
        userMetadata: data,
        confirmed: !ctx.config.enableConfirmations,
      });
      if (ctx.config.enableConfirmations) {
        if (pkce) await createFlowState(db, user.id, pkce, 'email/signup', 'email');
        await sendVerification(ctx, db, user, 'signup', { pkce: !!pkce, redirectTo });
        return ok({});
      }
    }
    if (pkce) await createFlowState(db, user.id, pkce, 'magiclink', 'magiclink');
    await sendVerification(ctx, db, user, 'magiclink', { pkce: !!pkce, redirectTo });
    return ok({});
  });
}

/** POST /recover: a password reset e-mail; an unknown address answers the same, sending nothing. */
export async function recover(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  const email = normaliseEmail(body.email);
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
  const redirectTo = referrer(ctx.config, request.query.get('redirect_to'));
  return transaction(ctx, async (db) => {
    const user = await findUserByEmail(db, email, true);
    if (!user) return ok({});
    if (pkce) await createFlowState(db, user.id, pkce, 'recovery', 'recovery');
    await sendVerification(ctx, db, user, 'recovery', { pkce: !!pkce, redirectTo });
    return ok({});
  });
}

/** POST /resend: the sign-up confirmation or the e-mail change messages once more. */
export async function resend(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  const type = stringField(body, 'type');
  if (type === 'sms' || type === 'phone_change')
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (type !== 'signup' && type !== 'email_change')
    throw badRequest(
      'validation_failed',
      'Missing one of these types: signup, email_change, sms, phone_change',
    );
  const email = normaliseEmail(body.email);
  const pkce = pkceParams(body.code_challenge, body.code_challenge_method);
  const redirectTo = referrer(
    ctx.config,
    request.query.get('redirect_to') ??
      stringField(objectField(body, 'options') ?? {}, 'emailRedirectTo'),
  );
  return transaction(ctx, async (db: Db) => {
    const user = await findUserByEmail(db, email, true);
    if (!user) return ok({});
    if (type === 'signup') {
      if (isConfirmed(user)) return ok({});
      if (pkce) await createFlowState(db, user.id, pkce, 'email/signup', 'email');
      await sendVerification(ctx, db, user, 'signup', { pkce: !!pkce, redirectTo });
    } else {
      if (!user.email_change) return ok({});
      if (pkce) await createFlowState(db, user.id, pkce, 'email_change', 'email_change');
      await sendEmailChange(ctx, db, user, user.email_change, { pkce: !!pkce, redirectTo });
    }
    return ok({});
  });
}
