// Share links and public dashboards. A link's secret is stored as a hash, its password as a
// bcrypt hash; only the Worker (secret key) opens a link; the pass it mints (here signed with the
// stack's signing key, as the Worker signs it) reads the site's reports minus the hidden ones
// and no table; a revoked link is refused at its next request and its open live channel ends.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createShareLink,
  ownerAndViewer,
  sharePass,
  type LinkOptions,
} from './support/accounts.js';
import { INGEST_TABLES } from './support/fingerprint.js';
import { broadcast, until, watch, SUBSCRIBED, type Watched } from './support/realtime.js';
import { rpc, rpcError } from './support/rpc.js';
import { rest, startTestStack, type TestStack, type TestUser } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;
const watching: Watched[] = [];

const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

/** A link of `owner`'s (see support/accounts.ts). */
const createLink = (options: LinkOptions = {}) => createShareLink(owner, options);
const passFor = (token: string, password?: string) => sharePass(t, token, password);

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
  for (const [site, seed] of [
    ['shop', 1],
    ['blog', 2],
  ] as const) {
    const traffic = generateTraffic({
      siteId: site,
      idPrefix: site,
      seed,
      startMs: Date.now() - 120_000,
      spanMs: 60_000,
      visitors: 3,
      sessions: 5,
    });
    for (const batch of toBatches(traffic, 40, site))
      await rpc(t.service, 'ingest_batch', { payload: batch });
  }
}, 120_000);

afterAll(async () => {
  for (const w of watching) await w.stop();
  await t?.stop();
});

describe('creating and listing links', () => {
  it('returns the secret once and stores only hashes', async () => {
    const { id, token } = await createLink({
      password: 'open sesame',
      hidden: ['sources', 'live'],
    });
    expect(token).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    const { rows } = await t.db.query<{ token_hash: Buffer; password_hash: string }>(
      'select token_hash, password_hash from public.share_links where id = $1',
      [id],
    );
    expect(rows[0]!.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(rows[0]!.password_hash).toMatch(/^\$2[ab]\$10\$/);
    const listed = await rpc<Record<string, unknown>[]>(owner.rest, 'share_links_of', {
      p_site: 'shop',
    });
    expect(listed[0]).toMatchObject({
      id,
      label: 'for the board',
      has_password: true,
      hidden_reports: ['live', 'sources'],
      revoked_at: null,
      created_by: owner.email,
    });
    expect(Object.keys(listed[0]!)).not.toContain('token_hash');
    expect(JSON.stringify(listed)).not.toContain(token);
    // Nobody reads the table itself, owners included.
    const direct = await owner.rest.from('share_links').select('*');
    expect([direct.status, direct.error?.code]).toEqual([403, '42501']);
  });

  it('refuses bad options and viewers', async () => {
    for (const [args, details] of [
      [{ p_hidden_reports: ['nonsense'] }, 'invalid_report'],
      [{ p_password: 'x'.repeat(73) }, 'invalid_password'],
      [{ p_expires_at: '2000-01-01T00:00:00Z' }, 'invalid_expiry'],
      [{ p_label: 'l'.repeat(201) }, 'invalid_label'],
    ] as const) {
      expect(
        await rpcError(owner.rest, 'create_share_link', { p_site: 'shop', ...args }),
      ).toMatchObject({ status: 400, details });
    }
    expect(await rpcError(viewer.rest, 'create_share_link', { p_site: 'shop' })).toMatchObject({
      status: 403,
      details: 'not_allowed',
    });
    expect(await rpcError(viewer.rest, 'share_links_of', { p_site: 'shop' })).toMatchObject({
      status: 403,
      details: 'not_allowed',
    });
  });
});

describe('opening a link', () => {
  it('is for the Worker (secret key) only, with the password when the link has one', async () => {
    const { token } = await createLink({ password: 'open sesame' });
    for (const client of [t.anon, viewer.rest]) {
      expect((await rpcError(client, 'open_share_link', { p_token: token })).code).toBe('42501');
      expect((await rpcError(client, 'share_link_state', { p_link: token })).code).toMatch(
        /42501|22P02/,
      );
    }
    expect(await rpcError(t.service, 'open_share_link', { p_token: token })).toMatchObject({
      details: 'password_required',
    });
    expect(
      await rpcError(t.service, 'open_share_link', { p_token: token, p_password: 'guess' }),
    ).toMatchObject({ details: 'wrong_password' });
    expect(
      await rpcError(t.service, 'open_share_link', { p_token: `${token}x`, p_password: 'guess' }),
    ).toMatchObject({ status: 404, details: 'share_not_found' });
    const { link } = await passFor(token, 'open sesame');
    expect(link).toMatchObject({ site_id: 'shop', hidden_reports: [] });
  });

  it('refuses a link past its expiry', async () => {
    const { id, token } = await createLink({
      expires: new Date(Date.now() + 60_000).toISOString(),
    });
    await passFor(token);
    await t.db.query(
      `update public.share_links set expires_at = now() - interval '1 s' where id = $1`,
      [id],
    );
    expect(await rpcError(t.service, 'open_share_link', { p_token: token })).toMatchObject({
      details: 'share_expired',
    });
  });
});

describe("a link's pass", () => {
  it("reads its site's reports and live view, and no table, no other site", async () => {
    const { pass } = await passFor((await createLink()).token);
    const viewerOfLink = rest(t.stack, pass);
    expect(
      (await rpc<{ visits: number }>(viewerOfLink, 'stats_overview', { p_site: 'shop', ...range }))
        .visits,
    ).toBe(5);
    expect(
      await rpc<unknown[]>(viewerOfLink, 'stats_breakdown', {
        p_site: 'shop',
        p_dimension: 'country',
        ...range,
      }),
    ).not.toEqual([]);
    // Every live visitor of the site, as the database holds them (the generated traffic decides
    // how many: a visitor whose every beacon is refused has no row).
    const liveRows = await t.db.query<{ n: number }>(
      `select count(*)::int as n from public.visitors
       where site_id = 'shop' and last_seen > now() - interval '300 seconds'`,
    );
    expect(liveRows.rows[0]!.n).toBeGreaterThan(0);
    expect((await rpc<unknown[]>(viewerOfLink, 'live_visitors', { p_site: 'shop' })).length).toBe(
      liveRows.rows[0]!.n,
    );
    expect(await rpc(viewerOfLink, 'site_access', { p_site: 'shop' })).toMatchObject({
      site: { id: 'shop' },
      access: 'share',
      hidden: [],
    });
    for (const table of ['sites', ...INGEST_TABLES]) {
      const { data } = await viewerOfLink.from(table).select('*');
      expect([table, data]).toEqual([table, []]);
    }
    expect(
      await rpcError(viewerOfLink, 'stats_overview', { p_site: 'blog', ...range }),
    ).toMatchObject({ code: '42501', details: 'not_readable' });
    expect((await rpcError(viewerOfLink, 'site_members_of', { p_site: 'shop' })).code).toBe(
      '42501',
    );
    const live = await watch(t.stack, pass, 'site:shop');
    watching.push(live);
    expect(live.status).toBe(SUBSCRIBED);
    const other = await watch(t.stack, pass, 'site:blog');
    watching.push(other);
    expect(other.status).not.toBe(SUBSCRIBED);
  });

  it('is refused the reports and filters its link hides, and the live view when hidden', async () => {
    const { pass } = await passFor((await createLink({ hidden: ['places', 'live'] })).token);
    const viewerOfLink = rest(t.stack, pass);
    expect(
      await rpcError(viewerOfLink, 'stats_breakdown', {
        p_site: 'shop',
        p_dimension: 'city',
        ...range,
      }),
    ).toMatchObject({ code: '42501', details: 'report_hidden' });
    // A filter on a hidden card would give its numbers away through another report.
    expect(
      await rpcError(viewerOfLink, 'stats_overview', {
        p_site: 'shop',
        ...range,
        p_filters: { country: 'DE' },
      }),
    ).toMatchObject({ code: '42501', details: 'report_hidden' });
    expect(
      await rpc<unknown[]>(viewerOfLink, 'stats_breakdown', {
        p_site: 'shop',
        p_dimension: 'page',
        ...range,
      }),
    ).not.toEqual([]);
    expect((await rpcError(viewerOfLink, 'live_visitors', { p_site: 'shop' })).code).toBe('42501');
    const live = await watch(t.stack, pass, 'site:shop');
    watching.push(live);
    expect(live.status).not.toBe(SUBSCRIBED);
  });

  it('made with a forged link id, or by anyone without the signing key, reads nothing', async () => {
    const { link } = await passFor((await createLink()).token);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({
        role: 'anon',
        share: link.link_id,
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url')}.`;
    const forged = rest(t.stack, unsigned);
    expect((await forged.rpc('stats_overview', { p_site: 'shop', ...range })).status).toBe(401);
    const wrongLink = rest(
      t.stack,
      await t.pass({ role: 'anon', share: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(
      (await rpcError(wrongLink, 'stats_overview', { p_site: 'shop', ...range })).details,
    ).toBe('not_readable');
  });
});

describe('revoking a link', () => {
  it('refuses its next request at once and ends its open live channel', async () => {
    const { id, token } = await createLink();
    const { pass, link } = await passFor(token);
    const viewerOfLink = rest(t.stack, pass);
    await rpc(viewerOfLink, 'stats_overview', { p_site: 'shop', ...range });
    const live = await watch(t.stack, pass, 'site:shop');
    watching.push(live);
    expect(live.status).toBe(SUBSCRIBED);
    await broadcast(t.stack, 'site:shop', 'live', { n: 1 });
    await until('a live message', () => live.broadcasts.some((b) => b.event === 'live'));

    expect(await rpcError(viewer.rest, 'revoke_share_link', { p_id: id })).toMatchObject({
      details: 'not_allowed',
    });
    await rpc(owner.rest, 'revoke_share_link', { p_id: id });

    expect(
      await rpcError(viewerOfLink, 'stats_overview', { p_site: 'shop', ...range }),
    ).toMatchObject({ code: '42501', details: 'not_readable' });
    expect(await rpcError(t.service, 'share_link_state', { p_link: link.link_id })).toMatchObject({
      details: 'share_revoked',
    });
    expect(await rpcError(t.service, 'open_share_link', { p_token: token })).toMatchObject({
      details: 'share_revoked',
    });
    await until('the access broadcast', () => live.broadcasts.some((b) => b.event === 'access'));
    // The dashboard renews its pass on that message; whatever token it presents now (here one
    // minted for the link anyway), Realtime authorises the channel again and closes it.
    await live.client.setAuth(await t.pass({ role: 'anon', share: link.link_id }, 59));
    await until('the channel closed', () => live.statuses.includes('CLOSED'));
    expect(live.system.map((s) => s.message)).toContain(
      'You no longer have permission to read from this Channel topic: site:shop',
    );
    const listed = await rpc<{ id: string; revoked_at: string | null }[]>(
      owner.rest,
      'share_links_of',
      { p_site: 'shop' },
    );
    expect(listed.find((l) => l.id === id)?.revoked_at).toEqual(expect.any(String));
  });

  it('ends the channel of a viewer that never renews when its pass expires', async () => {
    const { id, token } = await createLink();
    const { link } = await passFor(token);
    const live = await watch(
      t.stack,
      await t.pass({ role: 'anon', share: link.link_id }, 3),
      'site:shop',
    );
    watching.push(live);
    expect(live.status).toBe(SUBSCRIBED);
    await rpc(owner.rest, 'revoke_share_link', { p_id: id });
    await until('the channel closed at expiry', () => live.statuses.includes('CLOSED'), 10_000);
    expect(live.system.map((s) => s.message)).toContain('Token has expired');
  });
});

describe('a public dashboard', () => {
  it('shows its reports to anyone, not who is on the site, and stops when made private', async () => {
    expect((await rpcError(t.anon, 'stats_overview', { p_site: 'blog', ...range })).code).toBe(
      '42501',
    );
    await owner.rest.from('sites').update({ public_dashboard: true }).eq('id', 'blog');
    expect(
      (await rpc<{ visits: number }>(t.anon, 'stats_overview', { p_site: 'blog', ...range }))
        .visits,
    ).toBe(5);
    expect(await rpc(t.anon, 'site_access', { p_site: 'blog' })).toMatchObject({
      access: 'public',
      hidden: ['live'],
    });
    expect((await rpcError(t.anon, 'live_visitors', { p_site: 'blog' })).code).toBe('42501');
    for (const table of ['sites', ...INGEST_TABLES]) {
      const { data } = await t.anon.from(table).select('*');
      expect([table, data]).toEqual([table, []]);
    }
    const live = await watch(t.stack, await t.pass({ role: 'anon' }), 'site:blog');
    watching.push(live);
    expect(live.status).not.toBe(SUBSCRIBED);
    await owner.rest.from('sites').update({ public_dashboard: false }).eq('id', 'blog');
    expect((await rpcError(t.anon, 'stats_overview', { p_site: 'blog', ...range })).code).toBe(
      '42501',
    );
  });
});
