/**
 * The key the Worker mints its passes with (SIGHTLINE_SIGNING_KEY, a private JWK): a signing key
 * imported into the Supabase project (ES256 or RS256, with the `kid` it was imported under), or
 * for projects still on the legacy JWT secret, that secret as an `oct` JWK (HS256). Supabase's
 * services accept what it signs because the project trusts the key; the Worker verifies its own
 * passes with it too. `pnpm sightline signing-key` makes either form.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { IngestError } from './errors.js';

export interface SigningKey {
  alg: 'ES256' | 'RS256' | 'HS256';
  kid: string | undefined;
  /** Signs passes. */
  privateKey: CryptoKey | Uint8Array;
  /** Verifies them (the secret itself for HS256). */
  publicKey: CryptoKey | Uint8Array;
}

let cached: { raw: string; key: Promise<SigningKey> } | null = null;

function algorithmOf(jwk: JWK): SigningKey['alg'] | null {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'oct') return 'HS256';
  return null;
}

async function load(raw: string): Promise<SigningKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(raw) as JWK;
  } catch (cause) {
    throw unusable('SIGHTLINE_SIGNING_KEY is not JSON (a JWK)', cause);
  }
  const alg = algorithmOf(jwk);
  if (!alg || (alg !== 'HS256' && !jwk.d) || (alg === 'HS256' && !jwk.k))
    throw unusable('SIGHTLINE_SIGNING_KEY must be a private EC P-256 or RSA JWK, or an oct JWK');
  try {
    if (alg === 'HS256') {
      const secret = (await importJWK(jwk, 'HS256')) as Uint8Array;
      return { alg, kid: jwk.kid, privateKey: secret, publicKey: secret };
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
    return {
      alg,
      kid: jwk.kid,
      privateKey: (await importJWK(jwk, alg)) as CryptoKey,
      publicKey: (await importJWK(publicPart, alg)) as CryptoKey,
    };
  } catch (cause) {
    throw unusable('SIGHTLINE_SIGNING_KEY could not be imported', cause);
  }
}

function unusable(message: string, cause?: unknown): IngestError {
  return new IngestError(503, 'signing_key_unavailable', message, { cause });
}

/**
 * The isolate's signing key, imported once per value of the secret.
 *
 * @example
 * const { alg, privateKey } = await signingKey(env);
 */
export function signingKey(env: { SIGHTLINE_SIGNING_KEY?: string }): Promise<SigningKey> {
  const raw = env.SIGHTLINE_SIGNING_KEY ?? '';
  if (!raw)
    return Promise.reject(
      unusable('the Worker has no SIGHTLINE_SIGNING_KEY: see docs/deploy.md (signing key)'),
    );
  if (cached?.raw !== raw) {
    const key = load(raw);
    // A bad value is reported on every request, not cached as a rejected promise forever.
    key.catch(() => {
      if (cached?.key === key) cached = null;
    });
    cached = { raw, key };
  }
  return cached.key;
}
