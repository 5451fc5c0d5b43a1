import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startDevstack, type Devstack } from '../src/index.js';
import { supabase } from './auth-helpers.js';

let root: string | undefined;
let stack: Devstack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

// Regression: a data directory from a devstack without Auth (secrets without the new keys, the
// six-column auth.users) must start, keep its keys, and gain Auth on its next start.
it('upgrades a data directory created by an earlier devstack', async () => {
  root = await mkdtemp(join(tmpdir(), 'devstack-upgrade-'));
  const dataDir = join(root, 'data');
  const first = await startDevstack({ dataDir });
  const db = new pg.Client({ connectionString: first.dbUrl });
  await db.connect();
  await db.query(`
    drop schema auth cascade;
    drop schema sightline_inbox cascade;
    create schema auth;
    create table auth.users (
      id uuid primary key default gen_random_uuid(),
      email text unique,
      raw_app_meta_data jsonb not null default '{}'::jsonb,
      raw_user_meta_data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    insert into auth.users (email) values ('old@example.com');`);
  await db.end();
  await first.stop();
  const file = join(dataDir, 'secrets.json');
  const secrets = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  const old = [
    'jwtSecret',
    'anonKey',
    'serviceRoleKey',
    'postgresPassword',
    'authenticatorPassword',
  ];
  await writeFile(file, JSON.stringify(Object.fromEntries(old.map((key) => [key, secrets[key]]))));

  stack = await startDevstack({ dataDir });
  expect(stack.anonKey).toBe(secrets.anonKey);
  expect(stack.publishableKey).toMatch(/^sb_publishable_/);
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
    anonKey: secrets.anonKey,
    publishableKey: stack.publishableKey,
    signingKey: { kid: stack.jwks.keys[0]!.kid },
  });

  const admin = supabase(stack, stack.secretKey).auth.admin;
  const listed = await admin.listUsers();
  const oldUser = listed.data.users.find((user) => user.email === 'old@example.com');
  expect(oldUser).toMatchObject({ aud: 'authenticated', role: 'authenticated' });
  await admin.updateUserById(oldUser!.id, { password: 'new-password', email_confirm: true });
  const signIn = await supabase(stack).auth.signInWithPassword({
    email: 'old@example.com',
    password: 'new-password',
  });
  expect(signIn.error).toBeNull();
});
