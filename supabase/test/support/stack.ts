// One devstack per test file: a fresh data dir, this package's migrations and schema files
// (deployed by the devstack as `sightline db deploy` deploys them), and clients that talk to
// PostgREST exactly as the Worker (service role) and the dashboard (token) do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { AuthClient } from '@supabase/auth-js';
import { PostgrestClient } from '@supabase/postgrest-js';
import pg from 'pg';
import { MIGRATIONS_DIR as PACKAGE_MIGRATIONS } from '../../src/paths.js';
import { signDashboardToken } from '../../src/token.js';

// SIGHTLINE_MIGRATIONS_DIR runs the tests against another copy of the SQL (e.g. a change to
// ingest_batch tried out in a copy): <dir> holds the migrations, the schemas folder beside it
// the schema files.
export const MIGRATIONS_DIR = process.env.SIGHTLINE_MIGRATIONS_DIR ?? PACKAGE_MIGRATIONS;

export interface TestStack {
  stack: Devstack;
  /** The migrations the stack deployed (the schema files are beside them). */
  migrationsDir: string;
  /** Superuser connection: ground truth and fixtures, never what the code under test uses. */
  db: pg.Client;
  /** PostgREST as the ingest Worker calls it (the secret key). */
  service: PostgrestClient;
  /** PostgREST with only the publishable key (a public page). */
  anon: PostgrestClient;
  /** PostgREST with a dashboard token for `siteIds`. */
  dashboard(siteIds: string[]): Promise<PostgrestClient>;
  token(siteIds: string[]): Promise<string>;
  /** A confirmed Auth user, signed in with a password through auth-js. */
  user(name: string): Promise<TestUser>;
  /**
   * What the Worker mints (apps/ingest/src/lib/passes.ts): a short-lived token with the
   * stack's signing key, e.g. `{ role: 'authenticated', sub }` or `{ role: 'anon', share }`.
   */
  pass(claims: Record<string, unknown>, seconds?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  /** The session's access token (ES256, an hour). */
  token: string;
  /** PostgREST as this user's dashboard calls it. */
  rest: PostgrestClient;
}

export function rest(
  stack: Devstack,
  bearer: string,
  apikey = stack.publishableKey,
): PostgrestClient {
  return new PostgrestClient(`${stack.url}/rest/v1`, {
    headers: { apikey, Authorization: `Bearer ${bearer}` },
  });
}

/** Creates a confirmed user with the Auth admin API (secret key) and signs in as they would. */
async function createUser(stack: Devstack, name: string): Promise<TestUser> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `pw-${name}-${Math.random().toString(36).slice(2)}`;
  const created = await fetch(`${stack.authUrl}/admin/users`, {
    method: 'POST',
    headers: {
      apikey: stack.secretKey,
      authorization: `Bearer ${stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  if (!created.ok) throw new Error(`creating ${email}: ${created.status} ${await created.text()}`);
  const auth = new AuthClient({
    url: stack.authUrl,
    headers: { apikey: stack.publishableKey },
    persistSession: false,
    autoRefreshToken: false,
  });
  const { data, error } = await auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`signing in ${email}: ${error?.message}`);
  return {
    id: data.session.user.id,
    email,
    token: data.session.access_token,
    rest: rest(stack, data.session.access_token),
  };
}

export async function startTestStack(): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-db-test-'));
  const stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS_DIR });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  const token = (siteIds: string[]) =>
    signDashboardToken({ siteIds, secret: stack.jwtSecret, ttlSeconds: 3600 });
  return {
    stack,
    migrationsDir: MIGRATIONS_DIR,
    db,
    service: rest(stack, stack.secretKey, stack.secretKey),
    anon: rest(stack, stack.publishableKey),
    token,
    dashboard: async (siteIds) => rest(stack, await token(siteIds)),
    user: (name) => createUser(stack, name),
    pass: (claims, seconds = 60) =>
      stack.signToken(
        { aud: 'authenticated', iss: stack.authUrl, ...claims },
        { expiresIn: seconds },
      ),
    async stop() {
      await db.end();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createSite(
  db: pg.Client,
  site: { id: string; timezone?: string; publicLive?: boolean },
): Promise<void> {
  await db.query(
    'insert into public.sites (id, name, domains, public_live, timezone, store_raw) values ($1, $2, $3, $4, $5, true)',
    [site.id, `Site ${site.id}`, ['localhost'], site.publicLive ?? false, site.timezone ?? 'UTC'],
  );
}
