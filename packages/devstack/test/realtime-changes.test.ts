import type { RealtimeClient, RealtimePostgresChangesPayload } from '@supabase/realtime-js';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITES_MIGRATION, startTestStack, userToken, type TestStack } from './helpers.js';
import { Inbox, realtimeClient, sentinel, subscribed, type Vsn } from './realtime-helpers.js';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

let t: TestStack;
let db: pg.Client;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  t = await startTestStack({
    '20240101000000_sites.sql': SITES_MIGRATION,
    '20240101000001_realtime.sql': `
      alter table public.visits replica identity full;
      alter publication supabase_realtime add table public.visits;`,
  });
  db = new pg.Client({ connectionString: t.stack.dbUrl });
  await db.connect();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

afterAll(async () => {
  await db?.end();
  await t?.cleanup();
});

async function client(vsn: Vsn, token?: string): Promise<RealtimeClient> {
  const c = realtimeClient(t.stack, vsn);
  if (token) await c.setAuth(token);
  clients.push(c);
  return c;
}

async function watch(
  c: RealtimeClient,
  topic: string,
  filter: { event: '*' | 'INSERT' | 'UPDATE' | 'DELETE'; table: string; filter?: string },
): Promise<Inbox<Change>> {
  const inbox = new Inbox<Change>();
  const channel = c
    .channel(topic)
    .on('postgres_changes', { schema: 'public', ...filter } as never, inbox.push as never);
  await subscribed(channel);
  return inbox;
}

describe.each(['2.0.0', '1.0.0'] as const)('postgres_changes under vsn %s', (vsn) => {
  it('delivers INSERT, UPDATE and DELETE with typed columns and a filter', async () => {
    const c = await client(vsn, await userToken(t.stack, { site_ids: [1, 2] }));
    const inbox = await watch(c, `visits-${vsn}`, {
      event: '*',
      table: 'visits',
      filter: 'site_id=eq.1',
    });

    const { rows } = await db.query<{ id: string }>(
      `insert into public.visits (site_id, path) values (2, '/other'), (1, '/x') returning id`,
    );
    const id = Number(rows[1]!.id);
    const insert = await inbox.next((change) => change.eventType === 'INSERT');
    expect(insert).toMatchObject({
      schema: 'public',
      table: 'visits',
      eventType: 'INSERT',
      new: { id, site_id: 1, path: '/x' },
      errors: null,
    });
    expect(insert.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    await db.query(`update public.visits set path = '/y' where id = $1`, [id]);
    const update = await inbox.next((change) => change.eventType === 'UPDATE');
    expect(update).toMatchObject({ new: { id, path: '/y' } });
    // RLS table: the old row is reduced to its primary key even with REPLICA IDENTITY FULL.
    expect(update.old).toEqual({ id });

    await db.query('delete from public.visits where id = $1', [id]);
    const removed = await inbox.next((change) => change.eventType === 'DELETE');
    // RLS table: as on hosted Realtime, a DELETE carries the primary key only.
    expect(removed.old).toEqual({ id });
    expect(
      inbox.items.every(
        (change) =>
          change.eventType === 'DELETE' || (change.new as { site_id: number }).site_id === 1,
      ),
    ).toBe(true);
  });
});

describe('RLS', () => {
  it('gives each subscriber only the rows its own JWT may read', async () => {
    const siteOne = await client('2.0.0', await userToken(t.stack, { site_ids: [1] }));
    const siteTwo = await client('1.0.0', await userToken(t.stack, { site_ids: [2] }));
    const anon = await client('2.0.0');
    const service = await client('2.0.0');
    await service.setAuth(t.stack.serviceRoleKey);
    const one = await watch(siteOne, 'rls-1', { event: 'INSERT', table: 'visits' });
    const two = await watch(siteTwo, 'rls-2', { event: 'INSERT', table: 'visits' });
    const nobody = await watch(anon, 'rls-anon', { event: 'INSERT', table: 'visits' });
    const all = await watch(service, 'rls-service', { event: 'INSERT', table: 'visits' });

    await db.query(`insert into public.visits (site_id, path) values (1, '/rls-a'), (2, '/rls-b')`);
    await two.next((change) => (change.new as { path: string }).path === '/rls-b');
    await one.next((change) => (change.new as { path: string }).path === '/rls-a');
    await all.next((change) => (change.new as { path: string }).path === '/rls-b');
    // Then a sentinel on the three sockets that must not see a row: anon's included, which
    // receives nothing at all otherwise.
    await sentinel(db, siteOne, siteTwo, anon);
    expect(one.items.map((change) => (change.new as { path: string }).path)).toEqual(['/rls-a']);
    expect(two.items.map((change) => (change.new as { path: string }).path)).toEqual(['/rls-b']);
    expect(nobody.items).toEqual([]);
  });

  it('authorises a burst from one transaction per subscriber and keeps commit order', async () => {
    const siteOne = await client('2.0.0', await userToken(t.stack, { site_ids: [1] }));
    const siteTwo = await client('1.0.0', await userToken(t.stack, { site_ids: [2] }));
    const one = await watch(siteOne, 'burst-1', { event: 'INSERT', table: 'visits' });
    const two = await watch(siteTwo, 'burst-2', { event: 'INSERT', table: 'visits' });
    await db.query(
      `insert into public.visits (site_id, path) select 1 + n % 2, '/burst/' || n from generate_series(1, 300) n`,
    );
    await one.next((change) => (change.new as { path: string }).path === '/burst/300');
    await two.next((change) => (change.new as { path: string }).path === '/burst/299');
    const paths = (inbox: Inbox<Change>): string[] =>
      inbox.items.map((change) => (change.new as { path: string }).path);
    expect(paths(one)).toEqual(Array.from({ length: 150 }, (_, i) => `/burst/${2 * i + 2}`));
    expect(paths(two)).toEqual(Array.from({ length: 150 }, (_, i) => `/burst/${2 * i + 1}`));
  });

  it('checks a burst against a large table by its composite key, not by a scan per change', async () => {
    // Keyed like Sightline's visitors: (site, id). 50,000 rows the subscriber may read, loaded
    // without firing the capture trigger (replica mode skips triggers).
    await db.query(`
      create table public.members (site_id bigint, member text, path text, primary key (site_id, member));
      alter table public.members enable row level security;
      create policy "members by claim" on public.members for select to authenticated
        using (site_id in (select jsonb_array_elements_text(auth.jwt() -> 'site_ids')::bigint));
      grant select on public.members to authenticated;
      alter publication supabase_realtime add table public.members;
      set session_replication_role = replica;
      insert into public.members select 1, 'm' || n, '/' from generate_series(1, 50000) n;
      set session_replication_role = origin;
      analyze public.members;`);
    try {
      const c = await client('2.0.0', await userToken(t.stack, { site_ids: [1] }));
      const inbox = await watch(c, 'large', { event: 'UPDATE', table: 'members' });
      // The table's last rows: a scan per change would compare each with every row.
      await db.query(
        `update public.members set path = '/changed' where member in (select 'm' || n from generate_series(49801, 50000) n)`,
      );
      await inbox.next(() => inbox.items.length === 200);
      expect(
        new Set(inbox.items.map((change) => (change.new as { member: string }).member)).size,
      ).toBe(200);
    } finally {
      await db.query(`drop table public.members`);
    }
  });

  it('re-authorises with a refreshed access_token, and closes the channel on an invalid one', async () => {
    const c = await client('2.0.0', await userToken(t.stack, { site_ids: [1] }));
    const inbox = await watch(c, 'refresh', { event: 'INSERT', table: 'visits' });
    await c.setAuth(await userToken(t.stack, { site_ids: [2] }));
    // The server handles a socket's frames in order: the reply to a join sent after the new
    // token shows the token is in force before the rows are written.
    await subscribed(c.channel('refresh-after-token'));
    await db.query(
      `insert into public.visits (site_id, path) values (1, '/before'), (2, '/after')`,
    );
    await inbox.next((change) => (change.new as { path: string }).path === '/after');
    expect(inbox.items.map((change) => (change.new as { path: string }).path)).toEqual(['/after']);

    const system = new Inbox<{ status: string; message: string }>();
    const channel = c.getChannels()[0]!;
    channel.on('system', {}, system.push as never);
    await c.setAuth('not-a-jwt');
    const error = await system.next((message) => message.status === 'error');
    expect(error.message).toContain('InvalidJWTToken');
  });
});

describe('change feed', () => {
  it('supports in, neq, gt, gte, lt and lte filters', async () => {
    const c = await client('2.0.0', t.stack.serviceRoleKey);
    const inIn = await watch(c, 'f-in', {
      event: 'INSERT',
      table: 'visits',
      filter: 'path=in.(/in-1,"/in-3")',
    });
    const gt = await watch(c, 'f-gt', { event: 'INSERT', table: 'visits', filter: 'site_id=gt.1' });
    const lte = await watch(c, 'f-lte', {
      event: 'INSERT',
      table: 'visits',
      filter: 'site_id=lte.1',
    });
    const neq = await watch(c, 'f-neq', {
      event: 'INSERT',
      table: 'visits',
      filter: 'path=neq./in-1',
    });
    await db.query(
      `insert into public.visits (site_id, path) values (1, '/in-1'), (2, '/in-2'), (2, '/in-3')`,
    );
    await neq.next((change) => (change.new as { path: string }).path === '/in-3');
    await sentinel(db, c); // every channel of c has had each row by now
    const paths = (inbox: Inbox<Change>): string[] =>
      inbox.items.map((change) => (change.new as { path: string }).path);
    expect(paths(inIn)).toEqual(['/in-1', '/in-3']);
    expect(paths(gt)).toEqual(['/in-2', '/in-3']);
    expect(paths(lte)).toEqual(['/in-1']);
    expect(paths(neq)).toEqual(['/in-2', '/in-3']);
  });

  it('delivers a 20 KB row whole although pg_notify stops at 8,000 bytes', async () => {
    const c = await client('2.0.0', await userToken(t.stack, { site_ids: [1] }));
    const inbox = await watch(c, 'big', { event: 'INSERT', table: 'visits' });
    const body = 'x'.repeat(20_000) + 'end';
    await db.query(`insert into public.visits (site_id, path, body) values (1, '/big', $1)`, [
      body,
    ]);
    const change = await inbox.next();
    expect((change.new as { body: string }).body).toBe(body);
  });

  it('emits changes of a table added to supabase_realtime later, with no other step', async () => {
    await db.query(`create table public.later (id int primary key, note text)`);
    await db.query(`alter publication supabase_realtime add table public.later`);
    const c = await client('1.0.0', t.stack.serviceRoleKey);
    const inbox = await watch(c, 'later', { event: 'INSERT', table: 'later' });
    await db.query(`insert into public.later values (1, 'hello')`);
    expect((await inbox.next()).new).toEqual({ id: 1, note: 'hello' });

    await db.query(`alter publication supabase_realtime drop table public.later`);
    const triggers = await db.query(
      `select count(*)::int as n from pg_trigger where tgrelid = 'public.later'::regclass and not tgisinternal`,
    );
    expect(triggers.rows[0]).toEqual({ n: 0 });
  });

  it('rejects a join whose binding names a missing table or a bad filter', async () => {
    const c = await client('2.0.0', t.stack.serviceRoleKey);
    await expect(
      subscribed(
        c
          .channel('missing')
          .on(
            'postgres_changes',
            { event: '*', schema: 'public', table: 'nope' } as never,
            () => undefined,
          ),
      ),
    ).rejects.toThrow(/CHANNEL_ERROR/);
    await expect(
      subscribed(
        c
          .channel('badfilter')
          .on(
            'postgres_changes',
            { event: '*', schema: 'public', table: 'visits', filter: 'site_id=like.1' } as never,
            () => undefined,
          ),
      ),
    ).rejects.toThrow(/CHANNEL_ERROR/);
  });

  it('reconnects after a Realtime restart and receives later changes', async () => {
    const c = await client('2.0.0', t.stack.serviceRoleKey);
    const inbox = new Inbox<Change>();
    const states = new Inbox<string>();
    c.channel('restart')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'visits' } as never,
        inbox.push as never,
      )
      .subscribe((status) => states.push(status));
    await states.next((status) => status === 'SUBSCRIBED');
    states.items.length = 0;
    await t.stack.restartRealtime();
    await states.next((status) => status === 'SUBSCRIBED', 10_000);
    await db.query(`insert into public.visits (site_id, path) values (1, '/after-restart')`);
    expect((await inbox.next()).new).toMatchObject({ path: '/after-restart' });
  });
});

describe('tables without RLS', () => {
  it('sends the full old row with REPLICA IDENTITY FULL and the key only without it', async () => {
    await db.query(`create table public.plain (id int primary key, note text)`);
    await db.query(`create table public.full_old (id int primary key, note text)`);
    await db.query(`alter table public.full_old replica identity full`);
    await db.query(`alter publication supabase_realtime add table public.plain, public.full_old`);
    const c = await client('2.0.0');
    const plain = await watch(c, 'plain', { event: 'UPDATE', table: 'plain' });
    const full = await watch(c, 'full-old', { event: 'UPDATE', table: 'full_old' });
    await db.query(`insert into public.plain values (1, 'a'); update public.plain set note = 'b'`);
    await db.query(
      `insert into public.full_old values (1, 'a'); update public.full_old set note = 'b'`,
    );
    expect(await plain.next()).toMatchObject({ old: { id: 1 }, new: { id: 1, note: 'b' } });
    expect(await full.next()).toMatchObject({
      old: { id: 1, note: 'a' },
      new: { id: 1, note: 'b' },
    });
    // Switched to REPLICA IDENTITY FULL after it was published: the capture follows.
    await db.query(`alter table public.plain replica identity full`);
    await db.query(`update public.plain set note = 'c'`);
    expect(
      await plain.next((change) => (change.new as { note: string }).note === 'c'),
    ).toMatchObject({ old: { id: 1, note: 'b' }, new: { id: 1, note: 'c' } });
  });
});

describe('a FOR ALL TABLES publication', () => {
  it('captures every table but never its own overflow table', async () => {
    await db.query(`drop publication supabase_realtime`);
    await db.query(`create publication supabase_realtime for all tables`);
    try {
      const triggered = await db.query<{ rel: string }>(
        `select distinct tgrelid::regclass::text as rel from pg_trigger
         where tgname like 'sightline\\_realtime\\_capture%' order by 1`,
      );
      expect(triggered.rows.map((row) => row.rel)).toContain('sites');
      expect(triggered.rows.map((row) => row.rel)).not.toContain('sightline_realtime.overflow');
      const c = await client('2.0.0', t.stack.serviceRoleKey);
      const inbox = await watch(c, 'all-tables', { event: 'INSERT', table: 'sites' });
      await db.query(`insert into public.sites (id, name) values (99, $1)`, ['n'.repeat(10_000)]);
      expect((await inbox.next()).new).toMatchObject({ id: 99 });
    } finally {
      await db.query(`drop publication supabase_realtime`);
      const left = await db.query(
        `select count(*)::int as n from pg_trigger where tgname like 'sightline\\_realtime\\_capture%'`,
      );
      expect(left.rows[0]).toEqual({ n: 0 });
      await db.query(`create publication supabase_realtime for table public.visits`);
    }
  });
});

describe('statement-level capture', () => {
  it("sends an upsert's new rows as INSERT and its updated rows as UPDATE, one trigger call per statement", async () => {
    await db.query(`
      -- A column named like a row alias: the capture must still send whole rows.
      create table public.tallies (id int primary key, n int not null, changed int);
      alter publication supabase_realtime add table public.tallies;
      insert into public.tallies values (1, 1), (2, 1);`);
    try {
      const triggers = await db.query<{ tgname: string; row_level: boolean }>(
        `select tgname, (tgtype & 1) = 1 as row_level from pg_trigger
         where tgrelid = 'public.tallies'::regclass and not tgisinternal order by 1`,
      );
      expect(triggers.rows).toEqual(
        ['delete', 'insert', 'update'].map((op) => ({
          tgname: `sightline_realtime_capture_${op}`,
          row_level: false,
        })),
      );
      const c = await client('2.0.0', t.stack.serviceRoleKey);
      const inbox = await watch(c, 'tallies', { event: '*', table: 'tallies' });
      await db.query(
        `insert into public.tallies values (1, 5), (3, 5), (2, 5), (4, 5)
         on conflict (id) do update set n = public.tallies.n + excluded.n`,
      );
      // The server re-reads an inserted or updated row to authorise it: all four must have
      // gone out before the delete removes two of them.
      await inbox.next(() => inbox.items.length === 4);
      await db.query(`delete from public.tallies where id in (3, 4)`);
      await inbox.next(() => inbox.items.length === 6);
      await sentinel(db, c); // a seventh change would have come before it
      const seen = inbox.items.map((change) => {
        const row = (change.eventType === 'DELETE' ? change.old : change.new) as {
          id: number;
          n?: number;
        };
        return [change.eventType, row.id, row.n ?? null];
      });
      expect(seen).toHaveLength(6);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['INSERT', 3, 5],
          ['INSERT', 4, 5],
          ['UPDATE', 1, 6],
          ['UPDATE', 2, 6],
          ['DELETE', 3, null],
          ['DELETE', 4, null],
        ]),
      );
    } finally {
      await db.query(`drop table public.tallies`);
    }
  });
});
