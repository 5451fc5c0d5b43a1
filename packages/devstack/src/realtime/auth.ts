import { TokenError, type TokenKeys, type VerifiedToken } from '../tokens.js';

export type { VerifiedToken } from '../tokens.js';

/** A join or token refresh refused; the message mirrors hosted Realtime's reasons. */
export class RealtimeTokenError extends Error {
  override readonly name = 'RealtimeTokenError';
  readonly code = 'INVALID_JWT';
}

/**
 * Verifies a channel's token as hosted Realtime does: a user JWT (the signing key or the legacy
 * secret), or the project's API key itself (supabase-js sends the publishable key as the access
 * token when nobody is signed in). Realtime needs a role to authorise with.
 */
export async function verifyRealtimeToken(keys: TokenKeys, token: unknown): Promise<VerifiedToken> {
  let verified: VerifiedToken;
  try {
    verified = await keys.verify(token, { allowApiKeys: true });
  } catch (error) {
    const reason = error instanceof TokenError ? error.message : 'invalid token';
    throw new RealtimeTokenError(`InvalidJWTToken: ${reason}`, { cause: error });
  }
  if (typeof verified.claims.role !== 'string')
    throw new RealtimeTokenError('InvalidJWTToken: the token has no role claim');
  return verified;
}
