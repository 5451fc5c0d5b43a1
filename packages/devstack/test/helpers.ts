import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startDevstack, type Devstack, type DevstackOptions } from '../src/index.js';

/**
 * A user token as the stack's Auth issues it (role and audience `authenticated`, the stack's
 * issuer), signed by the stack itself: ES256 with its signing key unless `options` says HS256.
 */
export function userToken(
  stack: Devstack,
  claims: Record<string, unknown>,
  options?: Parameters<Devstack['signToken']>[1],
): Promise<string> {
  return stack.signToken(
    { role: 'authenticated', aud: 'authenticated', iss: stack.authUrl, ...claims },
    options,
  );
}

/** A user token signed with a secret the stack does NOT know: a forgery to be refused. */
export async function forgedToken(
  secret: string,
  claims: Record<string, unknown>,
): Promise<string> {
  return new SignJWT({ role: 'authenticated', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

export interface TestStack {
  stack: Devstack;
  dataDir: string;
  migrationsDir: string;
  cleanup(): Promise<void>;
}

/** A stack on a fresh temp data dir with `migrations` written as numbered files. */
export async function startTestStack(
  migrations: Record<string, string>,
  options: Pick<DevstackOptions, 'auth'> = {},
): Promise<TestStack> {
  const root = await mkdtemp(join(tmpdir(), 'devstack-test-'));
  const dataDir = join(root, 'data');
  const migrationsDir = join(root, 'migrations');
  await mkdir(migrationsDir);
  for (const [name, sql] of Object.entries(migrations))
    await writeFile(join(migrationsDir, name), sql);
  const t: TestStack = {
    stack: await startDevstack({ dataDir, migrationsDir, ...options }),
    dataDir,
    migrationsDir,
    async cleanup() {
      // The stack running now: a test may have restarted it (and replaced `stack`).
      await t.stack.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return t;
}

/** Two sites and an RLS policy keyed on the token's `site_ids` claim, the dashboard's shape. */
export const SITES_MIGRATION = `
create table public.sites (id bigint primary key, name text not null);
create table public.visits (
  id bigserial primary key,
  site_id bigint not null references public.sites (id),
  path text not null,
  body text,
  created_at timestamptz not null default now()
);
alter table public.sites enable row level security;
alter table public.visits enable row level security;
create policy "sites by claim" on public.sites for select to authenticated
  using (id in (select jsonb_array_elements_text(auth.jwt() -> 'site_ids')::bigint));
create policy "visits by claim" on public.visits for select to authenticated
  using (site_id in (select jsonb_array_elements_text(auth.jwt() -> 'site_ids')::bigint));
insert into public.sites (id, name) values (1, 'one'), (2, 'two');
insert into public.visits (site_id, path) values (1, '/a'), (1, '/b'), (2, '/c');
`;
