import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/**
 * Secrets generated once per data directory and kept there (mode 0600), never hard-coded. The
 * keys are stored too so that they stay byte-identical across restarts, as a project's keys do.
 * A data directory created by an earlier devstack gains the fields it lacks on its next start.
 */
export interface Secrets {
  /** The legacy shared JWT secret (HS256): signs `anonKey` and `serviceRoleKey`. */
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  /** `sb_publishable_…`: an opaque key acting as `anon`, safe in browsers. */
  publishableKey: string;
  /** `sb_secret_…`: an opaque key acting as `service_role`, refused from browsers. */
  secretKey: string;
  /** The ES256 private key (JWK with `kid`) Auth signs user tokens with. */
  signingKey: JWK & { kid: string };
  /** Bearer key of the inbox's Resend-compatible sending endpoint (`re_…`). */
  emailApiKey: string;
  postgresPassword: string;
  authenticatorPassword: string;
  /** The local Analytics Engine's account id (32 hex digits, like a Cloudflare account id). */
  analyticsEngineAccountId: string;
  /** Bearer token of the local Analytics Engine's SQL API and write endpoint. */
  analyticsEngineApiToken: string;
}

const SECRETS_FILE = 'secrets.json';

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * An opaque API key shaped like Supabase's: `<prefix><22 random chars>_<8-char checksum>`. The
 * checksum lets a typo be told from a wrong key; nothing here depends on it.
 */
export function opaqueKey(prefix: 'sb_publishable_' | 'sb_secret_'): string {
  const body = token(16);
  const checksum = createHash('sha256')
    .update(prefix + body)
    .digest('base64url')
    .slice(0, 8);
  return `${prefix}${body}_${checksum}`;
}

/** Signs a long-lived key with the same claim shape as a Supabase project's anon/service keys. */
export async function signRoleKey(
  jwtSecret: string,
  role: 'anon' | 'service_role',
): Promise<string> {
  return new SignJWT({ iss: 'supabase', ref: 'sightline-local', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('10y')
    .sign(new TextEncoder().encode(jwtSecret));
}

/** A P-256 key pair as a private JWK, with a random UUID `kid` as Supabase's signing keys have. */
async function newSigningKey(): Promise<Secrets['signingKey']> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

async function complete(partial: Partial<Secrets>): Promise<Secrets> {
  // PostgREST wants a JWT secret of at least 32 characters.
  const jwtSecret = partial.jwtSecret ?? token(48);
  return {
    jwtSecret,
    anonKey: partial.anonKey ?? (await signRoleKey(jwtSecret, 'anon')),
    serviceRoleKey: partial.serviceRoleKey ?? (await signRoleKey(jwtSecret, 'service_role')),
    publishableKey: partial.publishableKey ?? opaqueKey('sb_publishable_'),
    secretKey: partial.secretKey ?? opaqueKey('sb_secret_'),
    signingKey: partial.signingKey ?? (await newSigningKey()),
    emailApiKey: partial.emailApiKey ?? `re_${token(6)}_${token(18)}`,
    postgresPassword: partial.postgresPassword ?? token(24),
    authenticatorPassword: partial.authenticatorPassword ?? token(24),
    analyticsEngineAccountId: partial.analyticsEngineAccountId ?? randomBytes(16).toString('hex'),
    analyticsEngineApiToken: partial.analyticsEngineApiToken ?? token(32),
  };
}

export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  const file = join(dataDir, SECRETS_FILE);
  const stored = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as Partial<Secrets>)
    .catch((): Partial<Secrets> => ({}));
  const secrets = await complete(stored);
  const missing = Object.keys(secrets).some((key) => !(key in stored));
  if (missing) {
    await mkdir(dataDir, { recursive: true });
    // Write beside and rename, so a crash never leaves a half-written file of keys.
    const staging = `${file}.${process.pid}`;
    await writeFile(staging, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
    await chmod(staging, 0o600);
    await rename(staging, file);
  }
  return secrets;
}
