import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';

/**
 * Secrets generated once per data directory and kept there (mode 0600), never hard-coded. The
 * keys are stored too so that they stay byte-identical across restarts, as a project's keys do.
 */
export interface Secrets {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
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

async function save(file: string, secrets: Secrets): Promise<void> {
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
}

const analyticsEngineSecrets = () => ({
  analyticsEngineAccountId: randomBytes(16).toString('hex'),
  analyticsEngineApiToken: token(32),
});

export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  const file = join(dataDir, SECRETS_FILE);
  let existing: Partial<Secrets> | undefined;
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch {
    // First start of this data directory: fall through and generate.
  }
  if (existing?.jwtSecret) {
    if (existing.analyticsEngineAccountId && existing.analyticsEngineApiToken)
      return existing as Secrets;
    // A data directory from before the local Analytics Engine: keep its keys, add the engine's.
    const upgraded = { ...(existing as Secrets), ...analyticsEngineSecrets() };
    await save(file, upgraded);
    return upgraded;
  }
  // PostgREST wants a JWT secret of at least 32 characters.
  const jwtSecret = token(48);
  const secrets: Secrets = {
    jwtSecret,
    anonKey: await signRoleKey(jwtSecret, 'anon'),
    serviceRoleKey: await signRoleKey(jwtSecret, 'service_role'),
    postgresPassword: token(24),
    authenticatorPassword: token(24),
    ...analyticsEngineSecrets(),
  };
  await mkdir(dataDir, { recursive: true });
  await save(file, secrets);
  return secrets;
}
