import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PostgrestClient } from '@supabase/postgrest-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployDatabase, startDevstack } from '../src/index.js';
import {
  forgedToken,
  SITES_MIGRATION,
  startTestStack,
  userToken,
  type TestStack,
} from './helpers.js';

let t: TestStack;
let db: pg.Client;

beforeAll(async () => {
  t = await startTestStack({ '20240101000000_sites.sql': SITES_MIGRATION });
  db = new pg.Client({ connectionString: t.stack.dbUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await t?.cleanup();
});

function rest(key: string, token?: string): PostgrestClient {
  const headers: Record<string, string> = { apikey: key };
  if (token) headers.Authorization = `Bearer ${token}`;
  return new PostgrestClient(`${t.stack.url}/rest/v1`, { headers });
}

describe('startDevstack', () => {
  it('returns the Supabase-shaped connection facts', () => {
    expect(t.stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.stack.dbUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(t.stack.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const payload = (key: string): unknown =>
      JSON.parse(Buffer.from(key.split('.')[1]!, 'base64url').toString());
    expect(payload(t.stack.anonKey)).toMatchObject({ role: 'anon' });
    expect(payload(t.stack.serviceRoleKey)).toMatchObject({ role: 'service_role' });
  });

  it('bootstraps the roles, schemas and publication of a Supabase project', async () => {
    const roles = await db.query<{
      rolname: string;
      rolcanlogin: boolean;
      rolbypassrls: boolean;
      rolinherit: boolean;
    }>(
      `select rolname, rolcanlogin, rolbypassrls, rolinherit from pg_roles
       where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`,
    );
    expect(roles.rows).toEqual([
      { rolname: 'anon', rolcanlogin: false, rolbypassrls: false, rolinherit: false },
      { rolname: 'authenticated', rolcanlogin: false, rolbypassrls: false, rolinherit: false },
      { rolname: 'authenticator', rolcanlogin: true, rolbypassrls: false, rolinherit: false },
      { rolname: 'service_role', rolcanlogin: false, rolbypassrls: true, rolinherit: false },
    ]);
    const members = await db.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
       join pg_roles u on u.oid = m.member where u.rolname = 'authenticator' order by 1`,
    );
    expect(members.rows.map((row: { rolname: string }) => row.rolname)).toEqual([
      'anon',
      'authenticated',
      'service_role',
    ]);
    const publication = await db.query(
      `select count(*)::int as n from pg_publication where pubname = 'supabase_realtime'`,
    );
    expect(publication.rows[0]).toEqual({ n: 1 });
    const schemas = await db.query(
      `select nspname from pg_namespace where nspname in ('auth', 'extensions') order by 1`,
    );
    expect(schemas.rows).toEqual([{ nspname: 'auth' }, { nspname: 'extensions' }]);
  });

  it('reads auth.uid(), auth.role() and auth.jwt() from the request claims like Supabase', async () => {
    const claims = {
      sub: '6f1c1c3e-7d8a-4a4c-9d55-2b0a8d9f0e11',
      role: 'authenticated',
      site_ids: [1],
    };
    await db.query('begin');
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
    const { rows } = await db.query(
      `select auth.uid()::text as uid, auth.role() as role, auth.jwt() -> 'site_ids' as sites`,
    );
    await db.query('rollback');
    expect(rows[0]).toEqual({ uid: claims.sub, role: 'authenticated', sites: [1] });
  });

  it('serves PostgREST under /rest/v1 with RLS deciding what each token reads', async () => {
    const anon = await rest(t.stack.anonKey).from('visits').select('path');
    expect(anon.error).toBeNull();
    expect(anon.data).toEqual([]);

    const token = await userToken(t.stack, { sub: 'u1', site_ids: [1] });
    const user = await rest(t.stack.anonKey, token).from('visits').select('path').order('path');
    expect(user.data).toEqual([{ path: '/a' }, { path: '/b' }]);

    const service = await rest(t.stack.serviceRoleKey).from('visits').select('path').order('path');
    expect(service.data).toEqual([{ path: '/a' }, { path: '/b' }, { path: '/c' }]);
  });

  it('gives new tables the default privileges of Supabase (RLS is the only gate)', async () => {
    const inserted = await rest(t.stack.serviceRoleKey)
      .from('sites')
      .insert({ id: 3, name: 'three' })
      .select();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toEqual([{ id: 3, name: 'three' }]);
  });

  it('checks the apikey like Supabase gateway: missing or unknown keys get 401', async () => {
    const missing = await fetch(`${t.stack.url}/rest/v1/sites`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ message: 'No API key found in request' });
    const forged = await forgedToken('x'.repeat(40), { role: 'service_role' });
    const bad = await fetch(`${t.stack.url}/rest/v1/sites`, { headers: { apikey: forged } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Invalid API key' });
  });

  it('rejects a user token signed with another secret (PostgREST checks the JWT)', async () => {
    const forged = await forgedToken('y'.repeat(40), { site_ids: [1, 2] });
    const result = await rest(t.stack.anonKey, forged).from('visits').select('path');
    expect(result.status).toBe(401);
  });

  it('answers CORS preflights like a hosted project', async () => {
    const response = await fetch(`${t.stack.url}/rest/v1/sites`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
  });
});

describe('migrations', () => {
  it('applies each file once and reloads the schema cache before resolving', async () => {
    const first = await db.query(
      'select version, name from supabase_migrations.schema_migrations order by version',
    );
    expect(first.rows).toEqual([{ version: '20240101000000', name: 'sites' }]);

    await writeFile(
      join(t.migrationsDir, '20240102000000_notes.sql'),
      `create table public.notes (id serial primary key, body text not null);
       create function public.note_count() returns int language sql stable as $$ select count(*)::int from public.notes $$;`,
    );
    const applied = await t.stack.applyMigrations();
    expect(applied).toEqual([{ version: '20240102000000', name: 'notes' }]);

    const client = rest(t.stack.serviceRoleKey);
    expect((await client.from('notes').insert({ body: 'hi' })).error).toBeNull();
    const count = await client.rpc('note_count');
    expect(count.data).toBe(1);

    expect(await t.stack.applyMigrations()).toEqual([]);
  });

  it('rolls back a failing migration and reports it with a stable code', async () => {
    await writeFile(
      join(t.migrationsDir, '20240103000000_broken.sql'),
      'create table public.half (id int); select 1/0;',
    );
    await expect(t.stack.applyMigrations()).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    const half = await db.query(`select to_regclass('public.half') as t`);
    expect(half.rows[0]).toEqual({ t: null });
    await writeFile(
      join(t.migrationsDir, '20240103000000_broken.sql'),
      'create table public.half (id int);',
    );
    expect(await t.stack.applyMigrations()).toEqual([
      { version: '20240103000000', name: 'broken' },
    ]);
  });
});

describe('schema files', () => {
  // Supabase's layout: supabase/migrations and, beside it, supabase/schemas.
  const schemasDir = () => join(dirname(t.migrationsDir), 'schemas');

  it('are applied after the migrations on every deploy, in path order, subfolders included', async () => {
    await mkdir(join(schemasDir(), 'reports'), { recursive: true });
    await writeFile(
      join(schemasDir(), '01_count.sql'),
      `create or replace function public.site_count() returns int language sql stable
       as $$ select count(*)::int from public.sites $$;`,
    );
    // Depends on 01_count.sql: a SQL function's body is checked when it is created.
    await writeFile(
      join(schemasDir(), 'reports', 'twice.sql'),
      `create or replace function public.site_count_twice() returns int language sql stable
       as $$ select public.site_count() * 2 $$;`,
    );
    expect(await t.stack.applyMigrations()).toEqual([]);
    const client = rest(t.stack.serviceRoleKey);
    const counted = await client.rpc('site_count_twice');
    expect(counted.data).toBe(2 * (await client.rpc('site_count')).data!);

    // State, not history: a changed file takes effect on the next deploy.
    await writeFile(
      join(schemasDir(), '01_count.sql'),
      `create or replace function public.site_count() returns int language sql stable
       as $$ select count(*)::int + 100 from public.sites $$;`,
    );
    await t.stack.applyMigrations();
    expect((await client.rpc('site_count')).data).toBeGreaterThan(100);
  });

  it('roll the whole deploy back when one fails, and say which file and line', async () => {
    await writeFile(
      join(t.migrationsDir, '20240104000000_more.sql'),
      'create table public.more (id int primary key);',
    );
    await writeFile(join(schemasDir(), '02_broken.sql'), '\n\nselect 1;\nselec 2;');
    await expect(t.stack.applyMigrations()).rejects.toMatchObject({
      code: 'SCHEMA_FAILED',
      message: expect.stringMatching(/schema file 02_broken\.sql:4 failed: syntax error/) as string,
    });
    const more = await db.query(`select to_regclass('public.more') as t`);
    expect(more.rows[0]).toEqual({ t: null });

    await writeFile(join(schemasDir(), '02_broken.sql'), 'select 1;');
    expect(await t.stack.applyMigrations()).toEqual([{ version: '20240104000000', name: 'more' }]);
  });

  it('deploy into a database of its own, bootstrapped like the main one', async () => {
    const url = await t.stack.createDatabase('second');
    expect(url).toMatch(/\/second$/);
    const second = new pg.Client({ connectionString: url });
    await second.connect();
    try {
      const { rows } = await second.query(
        `select to_regprocedure('auth.jwt()') is not null as auth,
                to_regclass('realtime.messages') is not null as realtime,
                to_regclass('public.sites') as sites`,
      );
      expect(rows[0]).toEqual({ auth: true, realtime: true, sites: null });
      const result = await deployDatabase(second, { migrationsDir: t.migrationsDir });
      expect(result.migrations.map((m) => m.name)).toEqual(['sites', 'notes', 'broken', 'more']);
      expect(result.schemaFiles).toEqual(['01_count.sql', '02_broken.sql', 'reports/twice.sql']);
      const count = await second.query('select public.site_count_twice() as n');
      expect(count.rows[0]).toEqual({ n: 2 * 102 });
    } finally {
      await second.end();
    }
  });
});

describe('restart on the same data dir', () => {
  it('keeps the keys and data, refuses a second stack on a busy data dir, and leaves no lock behind', async () => {
    await expect(startDevstack({ dataDir: t.dataDir })).rejects.toMatchObject({
      code: 'DATA_DIR_IN_USE',
    });
    const keys = { anon: t.stack.anonKey, service: t.stack.serviceRoleKey };
    await db.end();
    await t.stack.stop();
    expect(existsSync(join(t.dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const again = await startDevstack({ dataDir: t.dataDir, migrationsDir: t.migrationsDir });
    t.stack = again;
    db = new pg.Client({ connectionString: again.dbUrl });
    await db.connect();
    expect(again.initialised).toBe(false);
    expect({ anon: again.anonKey, service: again.serviceRoleKey }).toEqual(keys);
    const sites = await rest(again.serviceRoleKey).from('sites').select('id').order('id');
    expect(sites.data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('starts over a stale postmaster.pid whose PID another program now has (a reboot, a container restart)', async () => {
    await db.end();
    await t.stack.stop();
    // The PID of this test runner: alive, and not a Postgres. Postgres itself refuses to start
    // while the PID in its lock file is alive, so the devstack must see that the file is stale.
    const pidFile = join(t.dataDir, 'pg', 'postmaster.pid');
    await writeFile(pidFile, `${process.pid}\n${join(t.dataDir, 'pg')}\n`);
    t.stack = await startDevstack({ dataDir: t.dataDir, migrationsDir: t.migrationsDir });
    db = new pg.Client({ connectionString: t.stack.dbUrl });
    await db.connect();
    expect((await db.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
  });
});
