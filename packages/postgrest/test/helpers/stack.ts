/** One real devstack (Postgres + PostgREST 12.0.2 + gateway) per test file, on a fresh data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';

export const MIGRATIONS = fileURLToPath(new URL('../fixtures/migrations', import.meta.url));

export async function startStack(): Promise<{ stack: Devstack; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-postgrest-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  return {
    stack,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An HS256 JWT for `role`, signed with WebCrypto (what PostgREST verifies against jwtSecret). */
export async function signJwt(secret: string, claims: Record<string, unknown>): Promise<string> {
  const b64 = (data: string | ArrayBuffer): string =>
    Buffer.from(typeof data === 'string' ? data : new Uint8Array(data)).toString('base64url');
  const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims }));
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${b64(sig)}`;
}
