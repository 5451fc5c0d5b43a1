import {
  ok,
  stringField,
  transaction,
  type AuthContext,
  type AuthRequest,
  type AuthResult,
} from './context.js';
import { badRequest, unprocessable } from './errors.js';
import { exchangeAuthCode } from './pkce.js';
import { issueSession, refreshGrant } from './sessions.js';
import {
  findUserByEmail,
  isBanned,
  isConfirmed,
  normaliseEmail,
  passwordMatches,
  reloadUser,
} from './users.js';

const INVALID_LOGIN = 'Invalid login credentials';

/** POST /token?grant_type=password|refresh_token|pkce, as GoTrue's token endpoint. */
export async function token(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const grant = request.query.get('grant_type') ?? stringField(request.body, 'grant_type');
  switch (grant) {
    case 'password':
      return passwordGrant(ctx, request);
    case 'refresh_token':
      return ok(await transaction(ctx, (db) => refreshGrant(ctx, db, request.body.refresh_token)));
    case 'pkce':
      return ok(
        await transaction(ctx, async (db) => {
          const flow = await exchangeAuthCode(
            db,
            request.body.auth_code,
            request.body.code_verifier,
            ctx.config.flowStateExpirySeconds,
          );
          const user = await reloadUser(db, flow.userId);
          return issueSession(ctx, db, user, flow.authenticationMethod, request.client);
        }),
      );
    default:
      throw badRequest('invalid_credentials', 'unsupported_grant_type');
  }
}

async function passwordGrant(ctx: AuthContext, request: AuthRequest): Promise<AuthResult> {
  const { body } = request;
  if (stringField(body, 'phone') !== undefined)
    throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (stringField(body, 'email') === undefined)
    throw badRequest('validation_failed', 'missing email or phone');
  const email = normaliseEmail(body.email);
  const password = typeof body.password === 'string' ? body.password : '';
  return ok(
    await transaction(ctx, async (db) => {
      const user = await findUserByEmail(db, email);
      if (!user || !(await passwordMatches(user, password)))
        throw badRequest('invalid_credentials', INVALID_LOGIN);
      if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
      if (!isConfirmed(user)) throw badRequest('email_not_confirmed', 'Email not confirmed');
      return issueSession(ctx, db, user, 'password', request.client);
    }),
  );
}
