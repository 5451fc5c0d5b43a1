// Who reads and who defines a site's conversions. The conversion reports (goals, funnels,
// properties, links) answer whoever may read the site's reports — members, service tokens, share
// links that do not hide the "conversions" card, public dashboards — and nobody else; goals and
// funnels are defined by owners, admins and service tokens, not by viewers or share links.
// (Before, the conversion reports ran as the caller and read only rows a token's site_ids claim
// allowed: a share link saw no goals, and any member, viewers too, could rewrite them.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShareLink, ownerAndViewer, sharePass } from './support/accounts.js';
import { rpc, rpcError } from './support/rpc.js';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { rest, startTestStack, type TestStack, type TestUser } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;
let goalId: number;
let funnelId: number;

const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

/** A pass for a new share link of "shop" that hides `hidden` (support/accounts.ts). */
const sharePassHiding = async (hidden: string[]) =>
  (await sharePass(t, (await createShareLink(owner, { hidden })).token)).pass;

const reports = () =>
  [
    ['stats_goals', range],
    ['stats_funnel', { ...range, p_funnel: funnelId }],
    ['stats_properties', { ...range, p_event: 'signup' }],
    ['stats_links', { ...range, p_kind: 'outbound' }],
  ] as const;

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
  const traffic = generateTraffic({
    siteId: 'shop',
    idPrefix: 'shop',
    seed: 7,
    startMs: Date.now() - 120_000,
    spanMs: 60_000,
    visitors: 4,
    sessions: 6,
  });
  for (const batch of toBatches(traffic, 40, 'shop'))
    await rpc(t.service, 'ingest_batch', { payload: batch });

  const goal = await owner.rest
    .from('goals')
    .insert({ site_id: 'shop', name: 'Home', page_path: '/' })
    .select('id')
    .single();
  expect(goal.error).toBeNull();
  goalId = (goal.data as { id: number }).id;
  const funnel = await owner.rest
    .from('funnels')
    .insert({ site_id: 'shop', name: 'Home twice', steps: [{ page: '/' }, { goal: goalId }] })
    .select('id')
    .single();
  expect(funnel.error).toBeNull();
  funnelId = (funnel.data as { id: number }).id;
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('defining goals and funnels', () => {
  it('is for owners, admins and service tokens; a viewer only reads them', async () => {
    expect((await viewer.rest.from('goals').select('name')).data).toEqual([{ name: 'Home' }]);
    const added = await viewer.rest
      .from('goals')
      .insert({ site_id: 'shop', name: 'Mine', event_name: 'signup' });
    expect([added.status, added.error?.code]).toEqual([403, '42501']);
    const renamed = await viewer.rest
      .from('goals')
      .update({ name: 'Renamed' })
      .eq('id', goalId)
      .select();
    expect(renamed.data).toEqual([]);
    const removed = await viewer.rest.from('funnels').delete().eq('id', funnelId).select();
    expect(removed.data).toEqual([]);
    expect((await owner.rest.from('funnels').select('name')).data).toEqual([
      { name: 'Home twice' },
    ]);

    const service = await t.dashboard(['shop']);
    const byService = await service
      .from('goals')
      .insert({ site_id: 'shop', name: 'Signed up', event_name: 'signup' })
      .select('id')
      .single();
    expect(byService.error).toBeNull();
    await service
      .from('goals')
      .delete()
      .eq('id', (byService.data as { id: number }).id);
  });
});

describe('editing and deleting goals and funnels', () => {
  /** A goal and a funnel using it, defined by the owner: what each caller then tries to change. */
  async function define(name: string): Promise<{ goal: number; funnel: number }> {
    const goal = await owner.rest
      .from('goals')
      .insert({ site_id: 'shop', name, event_name: 'signup' })
      .select('id')
      .single();
    expect(goal.error).toBeNull();
    const id = (goal.data as { id: number }).id;
    const funnel = await owner.rest
      .from('funnels')
      .insert({ site_id: 'shop', name: `${name} funnel`, steps: [{ page: '/' }, { goal: id }] })
      .select('id')
      .single();
    expect(funnel.error).toBeNull();
    return { goal: id, funnel: (funnel.data as { id: number }).id };
  }

  /** Renames, then deletes, the funnel and the goal as `client`; the rows each step changed. */
  async function editAndDelete(client: PostgrestClient, ids: { goal: number; funnel: number }) {
    const count = (res: { data: unknown[] | null; error: unknown }) =>
      res.error ? res.error : (res.data ?? []).length;
    return {
      renameGoal: count(
        await client.from('goals').update({ name: 'renamed goal' }).eq('id', ids.goal).select(),
      ),
      editFunnel: count(
        await client.from('funnels').update({ window_seconds: 600 }).eq('id', ids.funnel).select(),
      ),
      deleteFunnel: count(await client.from('funnels').delete().eq('id', ids.funnel).select()),
      deleteGoal: count(await client.from('goals').delete().eq('id', ids.goal).select()),
    };
  }

  const ALL = { renameGoal: 1, editFunnel: 1, deleteFunnel: 1, deleteGoal: 1 };

  it('owners, admins and service tokens may; the change is what the reports then read', async () => {
    const admin = await t.user('admin');
    await rpc(owner.rest, 'invite_member', {
      p_site: 'shop',
      p_email: admin.email,
      p_role: 'admin',
    });
    await rpc(admin.rest, 'accept_invitations', {});
    const service = await t.dashboard(['shop']);
    for (const [who, client] of [
      ['owner', owner.rest],
      ['admin', admin.rest],
      ['service token', service],
    ] as const) {
      const ids = await define(`by ${who}`);
      expect([who, await editAndDelete(client, ids)]).toEqual([who, ALL]);
      const { data } = await owner.rest.from('goals').select('id').eq('id', ids.goal);
      expect([who, data]).toEqual([who, []]);
    }
    // An edit changes the reports at once: the renamed goal is listed under its new name.
    const ids = await define('to rename');
    await owner.rest
      .from('goals')
      .update({ name: 'Renamed', page_path: '/', event_name: null })
      .eq('id', ids.goal);
    const goals = await rpc<{ name: string; visitors: number }[]>(owner.rest, 'stats_goals', {
      p_site: 'shop',
      ...range,
    });
    expect(goals.find((g) => g.name === 'Renamed')?.visitors).toBeGreaterThan(0);
    expect(goals.map((g) => g.name)).not.toContain('to rename');
    await owner.rest.from('funnels').delete().eq('id', ids.funnel);
    await owner.rest.from('goals').delete().eq('id', ids.goal);
  });

  it("viewers, share links, other sites' owners and the publishable key may not", async () => {
    const ids = await define('protected');
    const link = rest(t.stack, await sharePassHiding([]));
    const stranger = await t.user('stranger-editor');
    await rpc(stranger.rest, 'create_site', { p_id: 'elsewhere', p_name: 'x', p_timezone: 'UTC' });
    for (const [who, client] of [
      ['viewer', viewer.rest],
      ['share link', link],
      ['stranger', stranger.rest],
      ['publishable key', t.anon],
    ] as const) {
      const got = await editAndDelete(client, ids);
      // Under RLS a row the caller may not write is not matched (0 rows), or the role has no
      // write grant at all (42501): either way nothing changes.
      expect([
        who,
        Object.values(got).every((v) => v === 0 || (v as { code?: string }).code === '42501'),
      ]).toEqual([who, true]);
    }
    const funnel = await owner.rest
      .from('funnels')
      .select('name,window_seconds')
      .eq('id', ids.funnel);
    expect(funnel.data).toEqual([{ name: 'protected funnel', window_seconds: null }]);
    const goal = await owner.rest.from('goals').select('name').eq('id', ids.goal);
    expect(goal.data).toEqual([{ name: 'protected' }]);
    // An owner of both sites cannot move a definition to the other site either.
    const moved = await owner.rest
      .from('goals')
      .update({ site_id: 'blog' })
      .eq('id', ids.goal)
      .select();
    expect([moved.error?.code, moved.error?.message]).toEqual([
      '22023',
      expect.stringContaining('site_id'),
    ]);
    const movedFunnel = await owner.rest
      .from('funnels')
      .update({ site_id: 'blog' })
      .eq('id', ids.funnel)
      .select();
    expect(movedFunnel.error?.code).toBe('22023');
    // Deleting a goal a funnel uses is refused, naming the funnel; without the funnel it goes.
    const inUse = await owner.rest.from('goals').delete().eq('id', ids.goal).select();
    expect([inUse.error?.code, inUse.error?.message]).toEqual([
      '22023',
      expect.stringContaining('protected funnel'),
    ]);
    expect(await editAndDelete(owner.rest, ids)).toEqual(ALL);
  });
});

describe('the conversion reports', () => {
  it('answer members and a share link that shows them, with the goal definitions', async () => {
    const [fromOwner] = await rpc<{ visitors: number }[]>(owner.rest, 'stats_goals', {
      p_site: 'shop',
      ...range,
    });
    expect(fromOwner!.visitors).toBeGreaterThan(0);
    const link = rest(t.stack, await sharePassHiding([]));
    for (const [name, args] of reports()) {
      const asLink = await rpc(link, name, { p_site: 'shop', ...args });
      const asViewer = await rpc(viewer.rest, name, { p_site: 'shop', ...args });
      expect([name, asLink]).toEqual([name, asViewer]);
    }
    // The dashboard lists the goals and funnels to choose from.
    expect((await link.from('goals').select('name')).data).toEqual([{ name: 'Home' }]);
    expect((await link.from('funnels').select('name')).data).toEqual([{ name: 'Home twice' }]);
    const write = await link.from('goals').insert({ site_id: 'shop', name: 'x', event_name: 'x' });
    expect(write.error?.code).toBe('42501');
  });

  it('refuse a share link that hides them, and anyone without access to the site', async () => {
    const hiding = rest(t.stack, await sharePassHiding(['conversions']));
    for (const [name, args] of reports()) {
      expect([name, await rpcError(hiding, name, { p_site: 'shop', ...args })]).toMatchObject([
        name,
        { code: '42501', details: 'report_hidden' },
      ]);
    }
    expect((await hiding.from('goals').select('name')).data).toEqual([]);
    // Another site's owner, and a page with only the publishable key.
    const stranger = await t.user('stranger');
    for (const client of [stranger.rest, t.anon]) {
      for (const [name, args] of reports()) {
        expect([name, (await rpcError(client, name, { p_site: 'shop', ...args })).code]).toEqual([
          name,
          '42501',
        ]);
      }
      expect((await client.from('goals').select('name')).data).toEqual([]);
    }
  });
});
