import { errors, jwtVerify, type JWTPayload } from 'jose';

export interface VerifiedToken {
  claims: JWTPayload & { role?: string };
  /** Seconds since the epoch, if the token expires. */
  exp: number | undefined;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly code = 'INVALID_JWT';
}

/** Verifies an HS256 token with the project's secret; the message mirrors Realtime's reasons. */
export async function verifyToken(token: unknown, secret: Uint8Array): Promise<VerifiedToken> {
  if (typeof token !== 'string' || token.length === 0)
    throw new TokenError('InvalidJWTToken: no token given');
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
    if (typeof payload.role !== 'string')
      throw new TokenError('InvalidJWTToken: the token has no role claim');
    return { claims: payload, exp: payload.exp };
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired)
      throw new TokenError('InvalidJWTToken: Token has expired');
    throw new TokenError(
      `InvalidJWTToken: ${error instanceof Error ? error.message : 'invalid token'}`,
    );
  }
}
