import { createHash, randomUUID } from 'node:crypto';
import { AuthApiError, badRequest, unprocessable } from './errors.js';
import type { Db } from './users.js';

export interface Pkce {
  challenge: string;
  method: 's256' | 'plain';
}

/** GoTrue's checks on `code_challenge` / `code_challenge_method`; undefined for implicit flows. */
export function pkceParams(challenge: unknown, method: unknown): Pkce | undefined {
  const hasChallenge = typeof challenge === 'string' && challenge !== '';
  const hasMethod = typeof method === 'string' && method !== '';
  if (hasChallenge !== hasMethod)
    throw badRequest(
      'validation_failed',
      'PKCE flow requires code_challenge_method and code_challenge',
    );
  if (!hasChallenge) return undefined;
  const value = String(challenge);
  if (value.length < 43 || value.length > 128)
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
  if (!/^[a-zA-Z._~0-9-]+$/.test(value))
    throw badRequest(
      'validation_failed',
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    );
  const normalised = (method as string).toLowerCase();
  if (normalised !== 's256' && normalised !== 'plain')
    throw badRequest(
      'validation_failed',
      `code challenge method ${String(method)} is not supported`,
    );
  return { challenge: value, method: normalised };
}

/** Remembers a PKCE sign-in started for `userId` until its link is followed. */
export async function createFlowState(
  db: Db,
  userId: string,
  pkce: Pkce,
  authenticationMethod: string,
  providerType: string,
): Promise<void> {
  await db.query(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge,
       provider_type, authentication_method)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      randomUUID(),
      userId,
      randomUUID(),
      pkce.method,
      pkce.challenge,
      providerType,
      authenticationMethod,
    ],
  );
}

/** The auth code of the user's latest flow of that method (the link was followed). */
export async function issueAuthCode(
  db: Db,
  userId: string,
  authenticationMethod: string,
): Promise<string> {
  const { rows } = await db.query<{ id: string; auth_code: string }>(
    `select id, auth_code from auth.flow_state where user_id = $1 and authentication_method = $2
     order by created_at desc limit 1`,
    [userId, authenticationMethod],
  );
  const flow = rows[0];
  if (!flow) throw unprocessable('flow_state_not_found', 'No valid flow state found for user.');
  await db.query(
    `update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = $1`,
    [flow.id],
  );
  return flow.auth_code;
}

/** Checks the verifier against the stored challenge and consumes the flow (one use only). */
export async function exchangeAuthCode(
  db: Db,
  authCode: unknown,
  verifier: unknown,
  expirySeconds: number,
): Promise<{ userId: string; authenticationMethod: string }> {
  if (
    typeof authCode !== 'string' ||
    authCode === '' ||
    typeof verifier !== 'string' ||
    verifier === ''
  )
    throw badRequest(
      'validation_failed',
      'invalid request: both auth code and code verifier should be non-empty',
    );
  const { rows } = await db.query<{
    id: string;
    user_id: string | null;
    code_challenge: string;
    code_challenge_method: 's256' | 'plain';
    authentication_method: string;
    started: Date;
  }>(
    `select id, user_id, code_challenge, code_challenge_method, authentication_method,
       coalesce(auth_code_issued_at, created_at) as started
     from auth.flow_state where auth_code = $1 for update`,
    [authCode],
  );
  const flow = rows[0];
  if (!flow?.user_id)
    throw new AuthApiError(
      404,
      'flow_state_not_found',
      'invalid flow state, no valid flow state found',
    );
  if (flow.started.getTime() + expirySeconds * 1000 < Date.now())
    throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired');
  const computed =
    flow.code_challenge_method === 's256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  if (computed !== flow.code_challenge)
    throw badRequest(
      'bad_code_verifier',
      'code challenge does not match previously saved code verifier',
    );
  await db.query(`delete from auth.flow_state where id = $1`, [flow.id]);
  return { userId: flow.user_id, authenticationMethod: flow.authentication_method };
}

/** The authentication method a verification type stands for (GoTrue's names). */
export function methodOfType(type: string): string {
  return type === 'signup' ? 'email/signup' : type;
}
