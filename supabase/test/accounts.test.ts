// Sites owned by Supabase Auth users: creating a site, roles (owner, admin, viewer), invitations
// by e-mail, removal — through PostgREST and Realtime with real users signed in by auth-js
// against the devstack's Auth. A member of one site reads nothing of another; a viewer changes
// nothing; a removed member loses access at once, an open live channel included.
import type { PostgrestClient } from '@supabase/postgrest-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_TABLES } from './support/fingerprint.js';
import { broadcast, until, watch, SUBSCRIBED, type Watched } from './support/realtime.js';
import { rpc, rpcError } from './support/rpc.js';
import { rest, startTestStack, type TestStack, type TestUser } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

let t: TestStack;
let owner: TestUser;
let admin: TestUser;
let viewer: TestUser;
let stranger: TestUser;
const watching: Watched[] = [];

const TABLES = ['sites', 'site_members', ...INGEST_TABLES] as const;
const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

async function ingestRecent(siteId: string, seed: number, prefix: string): Promise<void> {
  const traffic = generateTraffic({
    siteId,
    idPrefix: `${siteId}-${prefix}`,
    seed,
    startMs: Date.now() - 120_000,
    spanMs: 60_000,
    visitors: 3,
    sessions: 4,
  });
  for (const batch of toBatches(traffic, 40, prefix))
    await rpc(t.service, 'ingest_batch', { payload: batch });
}

async function siteIdsOf(client: PostgrestClient, table: string): Promise<string[]> {
  const column = table === 'sites' ? 'id' : 'site_id';
  const { data, error } = (await client.from(table).select(column)) as unknown as {
    data: Record<string, string>[] | null;
    error: { message: string } | null;
  };
  if (error) throw new Error(`${table}: ${error.message}`);
  return [...new Set((data ?? []).map((row) => row[column]!))].sort();
}

async function watchLive(token: string, site: string, visitors?: string): Promise<Watched> {
  const w = await watch(t.stack, token, `site:${site}`, { private: true, visitors });
  watching.push(w);
  return w;
}

beforeAll(async () => {
  t = await startTestStack();
  [owner, admin, viewer, stranger] = await Promise.all([
    t.user('owner'),
    t.user('admin'),
    t.user('viewer'),
    t.user('stranger'),
  ]);
  await rpc(owner.rest, 'create_site', { p_id: 'acme', p_name: 'Acme', p_domains: ['acme.test'] });
  await rpc(stranger.rest, 'create_site', { p_id: 'other', p_name: 'Other' });
  for (const [user, role] of [
    [admin, 'admin'],
    [viewer, 'viewer'],
  ] as const) {
    await rpc(owner.rest, 'invite_member', { p_site: 'acme', p_email: user.email, p_role: role });
    expect(await rpc(user.rest, 'accept_invitations', {})).toEqual([{ site_id: 'acme', role }]);
  }
  await ingestRecent('acme', 1, 'a');
  await ingestRecent('other', 2, 'b');
}, 120_000);

afterAll(async () => {
  for (const w of watching) await w.stop();
  await t?.stop();
});

describe('creating a site', () => {
  it('makes its creator the owner and normalises its name and domains', async () => {
    const site = await rpc<{ id: string; role: string; domains: string[]; name: string }>(
      owner.rest,
      'create_site',
      {
        p_id: 'fresh',
        p_name: '  Fresh  ',
        p_domains: ['https://WWW.Fresh.test/path', 'fresh.test.', 'fresh.test', ''],
        p_timezone: 'Europe/Berlin',
      },
    );
    expect(site).toMatchObject({ id: 'fresh', name: 'Fresh', role: 'owner' });
    expect(site.domains).toEqual(['www.fresh.test', 'fresh.test']);
    const mine = await rpc<{ id: string; role: string }[]>(owner.rest, 'my_sites', {});
    expect(mine.map((s) => [s.id, s.role])).toEqual([
      ['acme', 'owner'],
      ['fresh', 'owner'],
    ]);
  });

  it('refuses a taken id, bad input and callers that are not signed-in users', async () => {
    expect(await rpcError(admin.rest, 'create_site', { p_id: 'acme', p_name: 'X' })).toMatchObject({
      status: 409,
      details: 'site_id_taken',
    });
    for (const [args, details] of [
      [{ p_id: 'bad id', p_name: 'X' }, 'invalid_site_id'],
      [{ p_id: 'ok-id', p_name: '   ' }, 'invalid_name'],
      [{ p_id: 'ok-id', p_name: 'X', p_domains: ['exa mple.com'] }, 'invalid_domain'],
      [{ p_id: 'ok-id', p_name: 'X', p_timezone: 'Mars/Olympus' }, null],
    ] as const) {
      expect(await rpcError(admin.rest, 'create_site', args)).toMatchObject({
        status: 400,
        ...(details ? { details } : { code: '22023' }),
      });
    }
    expect(
      await rpcError(await t.dashboard(['acme']), 'create_site', { p_id: 'svc', p_name: 'S' }),
    ).toMatchObject({ status: 403, details: 'sign_in_required' });
    expect(await rpcError(t.anon, 'create_site', { p_id: 'anon', p_name: 'A' })).toMatchObject({
      status: 401,
      details: 'sign_in_required',
    });
  });
});

describe('a member of one site', () => {
  it.each(TABLES.map((table) => [table]))('reads only its own sites from %s', async (table) => {
    // Ground truth from the superuser connection: the sites that have rows in the table.
    const column = table === 'sites' ? 'id' : 'site_id';
    const { rows } = await t.db.query<{ id: string }>(
      `select distinct ${column} as id from public.${table} order by 1`,
    );
    const present = rows.map((row) => row.id);
    expect(present).toEqual(expect.arrayContaining(['acme']));
    expect(await siteIdsOf(viewer.rest, table)).toEqual(['acme']);
    expect(await siteIdsOf(stranger.rest, table)).toEqual(present.filter((id) => id === 'other'));
  });

  it("gets the other site's reports, members and live view refused", async () => {
    for (const [fn, args] of [
      ['stats_overview', range],
      ['stats_breakdown', { ...range, p_dimension: 'page' }],
      ['stats_timeseries', { ...range, p_resolution: 'hour' }],
      ['live_visitors', {}],
      ['site_members_of', {}],
      ['site_access', {}],
      ['site_invitations_of', {}],
      ['share_links_of', {}],
    ] as const) {
      expect(await rpcError(viewer.rest, fn, { p_site: 'other', ...args })).toMatchObject({
        status: 403,
        code: '42501',
      });
    }
    const members = await rpc<{ email: string; role: string; is_you: boolean }[]>(
      viewer.rest,
      'site_members_of',
      { p_site: 'acme' },
    );
    expect(members.map((m) => [m.email, m.role, m.is_you])).toEqual([
      [owner.email, 'owner', false],
      [admin.email, 'admin', false],
      [viewer.email, 'viewer', true],
    ]);
    expect(
      (await rpc<{ visits: number }>(viewer.rest, 'stats_overview', { p_site: 'acme', ...range }))
        .visits,
    ).toBe(4);
  });

  it("joins its own site's live topic with a pass, never another's, nor with its hour-long session token", async () => {
    const pass = await t.pass({ role: 'authenticated', sub: viewer.id });
    expect((await watchLive(pass, 'acme')).status).toBe(SUBSCRIBED);
    expect((await watchLive(pass, 'other')).status).not.toBe(SUBSCRIBED);
    expect((await watchLive(viewer.token, 'acme')).status).not.toBe(SUBSCRIBED);
    expect((await watchLive(t.stack.publishableKey, 'acme')).status).not.toBe(SUBSCRIBED);
  });

  it('receives the visitors row changes of its site only (postgres_changes, RLS per change)', async () => {
    const own = await watchLive(
      await t.pass({ role: 'authenticated', sub: viewer.id }),
      'acme',
      '',
    );
    const spying = await watch(t.stack, viewer.token, 'spy', {
      private: false,
      visitors: 'site_id=eq.other',
    });
    watching.push(spying);
    expect([own.status, spying.status]).toEqual([SUBSCRIBED, SUBSCRIBED]);
    await ingestRecent('other', 3, 'c');
    await ingestRecent('acme', 4, 'd');
    await until('acme changes', () => own.changes.length > 0);
    // other's changes were committed first: had they leaked, they would be here already.
    expect(new Set(own.changes.map((c) => c.new.site_id))).toEqual(new Set(['acme']));
    expect(spying.changes).toEqual([]);
  });
});

describe('roles', () => {
  it('lets a viewer change neither the site nor its members', async () => {
    const update = await viewer.rest.from('sites').update({ name: 'Hacked' }).eq('id', 'acme');
    expect(update.error).toBeNull();
    expect((await t.db.query(`select name from public.sites where id = 'acme'`)).rows).toEqual([
      { name: 'Acme' },
    ]);
    const insert = await viewer.rest
      .from('site_members')
      .insert({ site_id: 'acme', user_id: stranger.id, role: 'owner' });
    expect([insert.status, insert.error?.code]).toEqual([403, '42501']);
    for (const [fn, args] of [
      ['invite_member', { p_site: 'acme', p_email: 'x@example.com' }],
      ['set_member_role', { p_site: 'acme', p_user: admin.id, p_role: 'viewer' }],
      ['remove_member', { p_site: 'acme', p_user: admin.id }],
      ['delete_site', { p_site: 'acme', p_confirm: 'acme' }],
      ['create_share_link', { p_site: 'acme' }],
      ['site_invitations_of', { p_site: 'acme' }],
    ] as const) {
      expect(await rpcError(viewer.rest, fn, args)).toMatchObject({
        status: 403,
        details: 'not_allowed',
      });
    }
  });

  it('lets an admin change settings and manage admins and viewers, not owners', async () => {
    const update = await admin.rest
      .from('sites')
      .update({
        timezone: 'Asia/Tokyo',
        public_live: true,
        domains: ['ACME.test', 'https://b.test/'],
      })
      .eq('id', 'acme')
      .select('timezone, public_live, domains');
    expect(update.data).toEqual([
      { timezone: 'Asia/Tokyo', public_live: true, domains: ['acme.test', 'b.test'] },
    ]);
    const idChange = await admin.rest.from('sites').update({ id: 'stolen' }).eq('id', 'acme');
    expect([idChange.status, idChange.error?.code]).toEqual([403, '42501']);
    expect(
      await rpcError(admin.rest, 'invite_member', {
        p_site: 'acme',
        p_email: 'boss@example.com',
        p_role: 'owner',
      }),
    ).toMatchObject({ status: 403, details: 'not_allowed' });
    expect(
      await rpcError(admin.rest, 'set_member_role', {
        p_site: 'acme',
        p_user: owner.id,
        p_role: 'viewer',
      }),
    ).toMatchObject({ status: 403, details: 'not_allowed' });
    expect(
      await rpcError(admin.rest, 'remove_member', { p_site: 'acme', p_user: owner.id }),
    ).toMatchObject({ status: 403, details: 'not_allowed' });
    await rpc(admin.rest, 'set_member_role', {
      p_site: 'acme',
      p_user: viewer.id,
      p_role: 'admin',
    });
    await rpc(admin.rest, 'set_member_role', {
      p_site: 'acme',
      p_user: viewer.id,
      p_role: 'viewer',
    });
  });

  it('keeps the last owner, and lets owners hand over', async () => {
    for (const fn of ['remove_member', 'set_member_role'] as const) {
      expect(
        await rpcError(owner.rest, fn, {
          p_site: 'acme',
          p_user: owner.id,
          ...(fn === 'set_member_role' ? { p_role: 'admin' } : {}),
        }),
      ).toMatchObject({ status: 403, details: 'last_owner' });
    }
    await rpc(owner.rest, 'set_member_role', { p_site: 'acme', p_user: admin.id, p_role: 'owner' });
    await rpc(admin.rest, 'set_member_role', { p_site: 'acme', p_user: owner.id, p_role: 'admin' });
    // Now an admin, the former owner cannot make itself owner again.
    expect(
      await rpcError(owner.rest, 'set_member_role', {
        p_site: 'acme',
        p_user: owner.id,
        p_role: 'owner',
      }),
    ).toMatchObject({ status: 403, details: 'not_allowed' });
    // Back as it was.
    await rpc(admin.rest, 'set_member_role', { p_site: 'acme', p_user: owner.id, p_role: 'owner' });
    await rpc(owner.rest, 'set_member_role', { p_site: 'acme', p_user: admin.id, p_role: 'admin' });
  });
});

describe('invitations', () => {
  it('stay pending until the invited address signs in, and are accepted only for that address', async () => {
    const invitee = await t.user('invitee');
    const invitation = await rpc<{ id: string; email: string }>(owner.rest, 'invite_member', {
      p_site: 'acme',
      p_email: `  ${invitee.email.toUpperCase()} `,
      p_role: 'viewer',
    });
    expect(invitation.email).toBe(invitee.email);
    const pending = await rpc<{ email: string; role: string }[]>(
      admin.rest,
      'site_invitations_of',
      {
        p_site: 'acme',
      },
    );
    expect(pending.map((i) => [i.email, i.role])).toEqual([[invitee.email, 'viewer']]);
    // Inviting again changes the role of the same invitation.
    await rpc(owner.rest, 'invite_member', {
      p_site: 'acme',
      p_email: invitee.email,
      p_role: 'admin',
    });
    expect(await siteIdsOf(invitee.rest, 'sites')).toEqual([]);
    // Someone else signing in accepts nothing of it.
    expect(await rpc(stranger.rest, 'accept_invitations', {})).toEqual([]);
    expect(await rpc(invitee.rest, 'accept_invitations', {})).toEqual([
      { site_id: 'acme', role: 'admin' },
    ]);
    expect(await rpc(invitee.rest, 'accept_invitations', {})).toEqual([]);
    expect(await siteIdsOf(invitee.rest, 'sites')).toEqual(['acme']);
    expect(await rpc(admin.rest, 'site_invitations_of', { p_site: 'acme' })).toEqual([]);
    expect(
      await rpcError(owner.rest, 'invite_member', { p_site: 'acme', p_email: invitee.email }),
    ).toMatchObject({ status: 409, details: 'already_member' });
    await rpc(owner.rest, 'remove_member', { p_site: 'acme', p_user: invitee.id });
  });

  it('are not accepted for an address Auth has not confirmed', async () => {
    const email = `unconfirmed-${Date.now()}@example.com`;
    await rpc(owner.rest, 'invite_member', { p_site: 'acme', p_email: email });
    // Signed up without confirming (confirmations on): a token can still be minted for them by
    // whoever holds the signing key, but the address is not proven.
    const created = await fetch(`${t.stack.authUrl}/admin/users`, {
      method: 'POST',
      headers: {
        apikey: t.stack.secretKey,
        authorization: `Bearer ${t.stack.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ email, password: 'unconfirmed-pw' }),
    });
    const { id } = (await created.json()) as { id: string };
    const token = await t.pass({ role: 'authenticated', sub: id, email }, 300);
    expect(await rpc(rest(t.stack, token), 'accept_invitations', {})).toEqual([]);
  });

  it('can be withdrawn, and refuse bad addresses and roles', async () => {
    const { id } = await rpc<{ id: string }>(admin.rest, 'invite_member', {
      p_site: 'acme',
      p_email: 'gone@example.com',
    });
    await rpc(admin.rest, 'revoke_invitation', { p_id: id });
    expect(await rpc(admin.rest, 'site_invitations_of', { p_site: 'acme' })).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ email: 'gone@example.com' })]),
    );
    expect(
      await rpcError(admin.rest, 'invite_member', { p_site: 'acme', p_email: 'not an address' }),
    ).toMatchObject({ status: 400, details: 'invalid_email' });
    expect(
      await rpcError(admin.rest, 'invite_member', {
        p_site: 'acme',
        p_email: 'a@example.com',
        p_role: 'god',
      }),
    ).toMatchObject({ status: 400, details: 'invalid_role' });
    expect(
      await rpcError(stranger.rest, 'invite_member', { p_site: 'acme', p_email: 'a@example.com' }),
    ).toMatchObject({ status: 403, details: 'not_readable' });
  });
});

describe('a removed member', () => {
  it('loses access at once: the next request, row changes, and the open live channel', async () => {
    const leaving = await t.user('leaving');
    await rpc(owner.rest, 'invite_member', { p_site: 'acme', p_email: leaving.email });
    await rpc(leaving.rest, 'accept_invitations', {});
    const pass = await t.pass({ role: 'authenticated', sub: leaving.id });
    const live = await watchLive(pass, 'acme', 'site_id=eq.acme');
    expect(live.status).toBe(SUBSCRIBED);
    await broadcast(t.stack, 'site:acme', 'live', { n: 1 });
    await until('the first broadcast', () => live.broadcasts.some((b) => b.event === 'live'));

    await rpc(owner.rest, 'remove_member', { p_site: 'acme', p_user: leaving.id });

    // PostgREST: the very next request.
    expect(await siteIdsOf(leaving.rest, 'sites')).toEqual([]);
    expect(
      await rpcError(leaving.rest, 'stats_overview', { p_site: 'acme', ...range }),
    ).toMatchObject({ status: 403, code: '42501' });
    // Realtime: the channel is told at once to renew its pass...
    await until('the access broadcast', () => live.broadcasts.some((b) => b.event === 'access'));
    expect(live.broadcasts.find((b) => b.event === 'access')?.payload).toMatchObject({
      reason: 'member_removed',
    });
    // ...row changes stop (RLS decides per change)...
    const before = live.changes.length;
    await ingestRecent('acme', 5, 'e');
    // ...and renewing the pass (what the dashboard does on that message) closes the channel.
    await live.client.setAuth(await t.pass({ role: 'authenticated', sub: leaving.id }, 59));
    await until('the channel closed', () => live.statuses.includes('CLOSED'));
    expect(live.system.map((s) => s.message)).toContain(
      'You no longer have permission to read from this Channel topic: site:acme',
    );
    expect(live.changes.length).toBe(before);
    // A new join is refused.
    expect(
      (await watchLive(await t.pass({ role: 'authenticated', sub: leaving.id }), 'acme')).status,
    ).not.toBe(SUBSCRIBED);
  });

  it('that never renews loses the live channel when its pass expires', async () => {
    const stubborn = await t.user('stubborn');
    await rpc(owner.rest, 'invite_member', { p_site: 'acme', p_email: stubborn.email });
    await rpc(stubborn.rest, 'accept_invitations', {});
    const live = await watchLive(
      await t.pass({ role: 'authenticated', sub: stubborn.id }, 3),
      'acme',
    );
    expect(live.status).toBe(SUBSCRIBED);
    await rpc(owner.rest, 'remove_member', { p_site: 'acme', p_user: stubborn.id });
    await until('the channel closed at expiry', () => live.statuses.includes('CLOSED'), 10_000);
    expect(live.system.map((s) => s.message)).toContain('Token has expired');
  });

  it('may leave by itself', async () => {
    const quitter = await t.user('quitter');
    await rpc(owner.rest, 'invite_member', { p_site: 'acme', p_email: quitter.email });
    await rpc(quitter.rest, 'accept_invitations', {});
    await rpc(quitter.rest, 'remove_member', { p_site: 'acme', p_user: quitter.id });
    expect(await siteIdsOf(quitter.rest, 'sites')).toEqual([]);
  });
});

describe('a service token (`pnpm sightline token`)', () => {
  it('reads its site, manages nothing, and watches live only with a short token', async () => {
    const service = await t.dashboard(['acme']);
    expect(await siteIdsOf(service, 'sessions')).toEqual(['acme']);
    expect(
      await rpcError(service, 'invite_member', { p_site: 'acme', p_email: 'x@example.com' }),
    ).toMatchObject({ status: 403, details: 'sign_in_required' });
    expect((await watchLive(await t.token(['acme']), 'acme')).status).not.toBe(SUBSCRIBED);
    expect(
      (
        await watchLive(
          await t.pass({ role: 'authenticated', sub: 'service:acme', site_ids: ['acme'] }),
          'acme',
        )
      ).status,
    ).toBe(SUBSCRIBED);
  });
});

describe('deleting a site', () => {
  it('needs its owner and the id typed again, and takes every row with it', async () => {
    await rpc(owner.rest, 'create_site', { p_id: 'doomed', p_name: 'Doomed' });
    await ingestRecent('doomed', 6, 'f');
    await rpc(owner.rest, 'create_share_link', { p_site: 'doomed' });
    expect(
      await rpcError(owner.rest, 'delete_site', { p_site: 'doomed', p_confirm: 'doom' }),
    ).toMatchObject({ status: 400, details: 'confirmation_mismatch' });
    expect(
      await rpcError(stranger.rest, 'delete_site', { p_site: 'doomed', p_confirm: 'doomed' }),
    ).toMatchObject({ status: 403, details: 'not_readable' });
    await rpc(owner.rest, 'delete_site', { p_site: 'doomed', p_confirm: 'doomed' });
    for (const table of [...TABLES, 'share_links', 'site_invitations']) {
      const column = table === 'sites' ? 'id' : 'site_id';
      const { rows } = await t.db.query<{ n: number }>(
        `select count(*)::int as n from public.${table} where ${column} = 'doomed'`,
      );
      expect([table, rows[0]!.n]).toEqual([table, 0]);
    }
  });
});
