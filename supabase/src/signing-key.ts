// `sightline signing-key`: the private JWK the ingest Worker mints its passes with
// (SIGHTLINE_SIGNING_KEY) and `sightline token` signs service tokens with. Import the same key
// into the Supabase project (Project Settings → JWT Keys → create a standby key → import), so
// that Supabase's services trust what it signs. For a project still on the legacy JWT secret,
// `--legacy-secret` wraps that secret as an `oct` JWK (HS256) instead.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * A new P-256 key pair as a private JWK with a random `kid`, as Supabase's own signing keys have.
 *
 * @example
 * const jwk = await newSigningKey(); // { kty: 'EC', crv: 'P-256', d, x, y, kid, alg: 'ES256' }
 */
export async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

/** The legacy JWT secret as an `oct` JWK: its UTF-8 bytes, as Supabase's services use them. */
export function legacySecretKey(secret: string): JWK {
  return { kty: 'oct', k: Buffer.from(secret, 'utf8').toString('base64url'), alg: 'HS256' };
}
