import {
  decodeProtectedHeader,
  errors,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Secrets } from './keys.js';

/** Who the devstack's keys vouch for: one place for Auth, the gateway and Realtime. */
export interface TokenKeys {
  /** `iss` of user tokens: `<url>/auth/v1`, as a project's Auth issues them. */
  issuer: string;
  /** The public JWK set published at `/auth/v1/.well-known/jwks.json` (the ES256 key). */
  jwks: { keys: JWK[] };
  verify(token: unknown, options?: { allowApiKeys?: boolean }): Promise<VerifiedToken>;
  /** Signs with the ES256 signing key (`kid` set), or the legacy HS256 secret. */
  sign(claims: JWTPayload, options: SignOptions): Promise<string>;
}

export interface SignOptions {
  /** Seconds from now, or an absolute `exp` (seconds since the epoch) when negative tests need the past. */
  expiresIn?: number;
  exp?: number;
  algorithm?: 'ES256' | 'HS256';
}

export interface VerifiedToken {
  claims: JWTPayload & { role?: string };
  /** Seconds since the epoch, if the token expires. */
  exp: number | undefined;
  /** What vouched for it: the signing key, the legacy secret, or an opaque API key. */
  via: 'signing-key' | 'legacy-secret' | 'api-key';
}

/** The only audience accepted when a token names one: what Auth puts in user tokens. */
export const AUDIENCE = 'authenticated';

export type TokenErrorReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'bad_signature'
  | 'unknown_key'
  | 'alg_not_allowed'
  | 'wrong_audience'
  | 'wrong_issuer';

/** A token refused by the devstack; `reason` is stable, `message` readable. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly code = 'INVALID_JWT';
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function classify(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired)
    return new TokenError('expired', 'Token has expired', { cause: error });
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenError('bad_signature', 'invalid signature', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
    return new TokenError('wrong_audience', 'unexpected audience', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss')
    return new TokenError('wrong_issuer', 'unexpected issuer', { cause: error });
  const message = error instanceof Error ? error.message : 'invalid token';
  return new TokenError('malformed', message, { cause: error });
}

/**
 * The verification policy: an ES256 token must come from this stack's signing key (`kid`, when
 * given, must name it) and carry this stack's issuer; an HS256 token must be signed with the
 * legacy secret, which vouches for any issuer, as it does on a Supabase project. Either way an
 * `aud`, when present, must include `authenticated`, `exp` must be in the future, and every other
 * algorithm (`none` included) is refused. Opaque API keys stand for their role when allowed.
 */
export async function createTokenKeys(secrets: Secrets, issuer: string): Promise<TokenKeys> {
  const legacySecret = new TextEncoder().encode(secrets.jwtSecret);
  const publicShape = publicJwk(secrets);
  const privateKey = (await importJWK(secrets.signingKey, 'ES256')) as CryptoKey;
  const publicKey = (await importJWK(publicShape, 'ES256')) as CryptoKey;
  const kid = secrets.signingKey.kid;

  return {
    issuer,
    jwks: { keys: [publicShape] },
    async verify(token, options = {}) {
      if (typeof token !== 'string' || token.length === 0)
        throw new TokenError('missing', 'no token given');
      if (options.allowApiKeys && token === secrets.publishableKey)
        return { claims: { role: 'anon' }, exp: undefined, via: 'api-key' };
      if (options.allowApiKeys && token === secrets.secretKey)
        return { claims: { role: 'service_role' }, exp: undefined, via: 'api-key' };
      let alg: string | undefined;
      let headerKid: string | undefined;
      try {
        ({ alg, kid: headerKid } = decodeProtectedHeader(token));
      } catch (cause) {
        throw new TokenError('malformed', 'not a JWT', { cause });
      }
      try {
        if (alg === 'ES256') {
          if (headerKid !== undefined && headerKid !== kid)
            throw new TokenError('unknown_key', `unknown signing key ${headerKid}`);
          const { payload } = await jwtVerify(token, publicKey, {
            algorithms: ['ES256'],
            issuer,
            audience: AUDIENCE,
          });
          if (payload.iss === undefined) throw new TokenError('wrong_issuer', 'missing issuer');
          return { claims: payload, exp: payload.exp, via: 'signing-key' };
        }
        if (alg === 'HS256') {
          const { payload } = await jwtVerify(token, legacySecret, { algorithms: ['HS256'] });
          if (payload.aud !== undefined) {
            const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
            if (!audiences.includes(AUDIENCE))
              throw new TokenError('wrong_audience', 'unexpected audience');
          }
          return { claims: payload, exp: payload.exp, via: 'legacy-secret' };
        }
      } catch (error) {
        throw classify(error);
      }
      throw new TokenError('alg_not_allowed', `signing algorithm ${String(alg)} is not allowed`);
    },
    async sign(claims, options) {
      const now = Math.floor(Date.now() / 1000);
      const exp = options.exp ?? now + (options.expiresIn ?? 3600);
      const jwt = new SignJWT(claims).setIssuedAt(now).setExpirationTime(exp);
      if (options.algorithm === 'HS256')
        return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(legacySecret);
      return jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(privateKey);
    },
  };
}

/** The public half of the signing key, as `/.well-known/jwks.json` publishes it. */
export function publicJwk(secrets: Secrets): JWK {
  const { d: _private, ...publicPart } = secrets.signingKey;
  return { ...publicPart, key_ops: ['verify'] };
}

/**
 * The JWK set PostgREST verifies with: the legacy secret as an `oct` key beside the public EC
 * key. PostgREST 12 tries every key of the set, so both kinds of token pass.
 */
export function postgrestJwks(secrets: Secrets): string {
  const oct: JWK = {
    kty: 'oct',
    alg: 'HS256',
    k: Buffer.from(secrets.jwtSecret, 'utf8').toString('base64url'),
  };
  return JSON.stringify({ keys: [oct, publicJwk(secrets)] });
}
