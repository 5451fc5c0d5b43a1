// Scheduled e-mail reports and spike alerts in the database: a member opts in to a site's
// reports for themselves only (RLS), the Worker's due list follows membership and the site's
// time zone, a claimed period is not due again (so a re-run of the cron sends nothing twice),
// and only owners and admins set a site's spike alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerAndViewer } from './support/accounts.js';
import { rpc, rpcError } from './support/rpc.js';
import { startTestStack, type TestStack, type TestUser } from './support/stack.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;

interface Due {
  site_id: string;
  user_id: string;
  email: string;
  period: string;
  period_start: string;
  period_from: string;
  period_to: string;
}

const due = (now: string) => rpc<Due[]>(t.service, 'due_reports', { p_now: now });
const dueFor = async (user: TestUser, now: string) =>
  (await due(now)).filter((d) => d.user_id === user.id);

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
  stranger = await t.user('stranger');
  await t.db.query(`update public.sites set timezone = 'Europe/Berlin' where id = 'shop'`);
});
afterAll(() => t?.stop());

describe('report subscriptions', () => {
  it('a member subscribes and unsubscribes themselves, and sees only their own rows', async () => {
    const mine = { site_id: 'shop', user_id: viewer.id, period: 'weekly' };
    expect((await viewer.rest.from('report_subscriptions').insert(mine)).error).toBeNull();
    expect(
      (
        await owner.rest
          .from('report_subscriptions')
          .insert({ ...mine, user_id: owner.id, period: 'monthly' })
      ).error,
    ).toBeNull();
    // The dashboard's toggle: an upsert that ignores a row already there.
    for (let i = 0; i < 2; i++) {
      const again = await viewer.rest
        .from('report_subscriptions')
        .upsert(mine, { ignoreDuplicates: true });
      expect(again.error).toBeNull();
    }
    const { data } = await viewer.rest.from('report_subscriptions').select('site_id,period');
    expect(data).toEqual([{ site_id: 'shop', period: 'weekly' }]);
    // The owner cannot remove the viewer's subscription (RLS hides it: nothing is deleted).
    await owner.rest.from('report_subscriptions').delete().eq('user_id', viewer.id);
    const { rows } = await t.db.query(
      'select user_id from public.report_subscriptions where user_id = $1',
      [viewer.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('refuses a subscription for someone else, or for a site one is not a member of', async () => {
    const forViewer = await owner.rest
      .from('report_subscriptions')
      .insert({ site_id: 'shop', user_id: viewer.id, period: 'monthly' });
    expect(forViewer.error?.code).toBe('42501');
    const notMember = await viewer.rest
      .from('report_subscriptions')
      .insert({ site_id: 'blog', user_id: viewer.id, period: 'weekly' });
    expect(notMember.error?.code).toBe('42501');
    const strangerRow = await stranger.rest
      .from('report_subscriptions')
      .insert({ site_id: 'shop', user_id: stranger.id, period: 'weekly' });
    expect(strangerRow.error?.code).toBe('42501');
    const badPeriod = await viewer.rest
      .from('report_subscriptions')
      .insert({ site_id: 'shop', user_id: viewer.id, period: 'daily' });
    expect(badPeriod.error?.code).toBe('23514');
    const anon = await t.anon.from('report_subscriptions').select('*');
    expect(anon.error?.code).toBe('42501');
  });

  it('lists the last complete local week and month as due, for current members only', async () => {
    // Wednesday 2026-12-09 10:00 in Berlin: last week is Mon 11-30 .. Mon 12-07 local.
    const now = '2026-12-09T09:00:00Z';
    const [weekly] = await dueFor(viewer, now);
    expect(weekly).toMatchObject({
      site_id: 'shop',
      email: viewer.email,
      period: 'weekly',
      period_start: '2026-11-30',
    });
    expect(new Date(weekly!.period_from).toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(new Date(weekly!.period_to).toISOString()).toBe('2026-12-06T23:00:00.000Z');
    const [monthly] = await dueFor(owner, now);
    expect(monthly).toMatchObject({ period: 'monthly', period_start: '2026-11-01' });
    expect(new Date(monthly!.period_to).toISOString()).toBe('2026-11-30T23:00:00.000Z');
  });

  it('a claimed period is not due again, and a failed send makes it due once more', async () => {
    const now = '2026-12-16T09:00:00Z';
    const [report] = await dueFor(viewer, now);
    expect(report?.period_start).toBe('2026-12-07');
    const claim = {
      p_site: 'shop',
      p_user: viewer.id,
      p_period: 'weekly',
      p_period_start: report!.period_start,
      p_now: now,
    };
    expect(await rpc(t.service, 'claim_report', claim)).toBe(true);
    expect(await rpc(t.service, 'claim_report', claim)).toBe(false);
    expect(await dueFor(viewer, now)).toEqual([]);
    const { p_now: _now, ...key } = claim;
    await rpc(t.service, 'finish_report', { ...key, p_message_id: null });
    expect(await dueFor(viewer, now)).toHaveLength(1);
    expect(await rpc(t.service, 'claim_report', claim)).toBe(true);
    await rpc(t.service, 'finish_report', { ...key, p_message_id: 'msg-1' });
    expect(await dueFor(viewer, now)).toEqual([]);
    // Sent is final, even long after.
    expect(await rpc(t.service, 'claim_report', { ...claim, p_now: '2027-01-30T00:00:00Z' })).toBe(
      false,
    );
  });

  it('a claim left by a stopped run is due again after an hour', async () => {
    const now = '2026-12-23T09:00:00Z';
    const [report] = await dueFor(viewer, now);
    const claim = {
      p_site: 'shop',
      p_user: viewer.id,
      p_period: 'weekly',
      p_period_start: report!.period_start,
    };
    expect(await rpc(t.service, 'claim_report', { ...claim, p_now: now })).toBe(true);
    expect(await dueFor(viewer, '2026-12-23T09:59:00Z')).toEqual([]);
    expect(await dueFor(viewer, '2026-12-23T10:01:00Z')).toHaveLength(1);
    expect(await rpc(t.service, 'claim_report', { ...claim, p_now: '2026-12-23T10:01:00Z' })).toBe(
      true,
    );
  });

  it('only the Worker (service role) reads the due list and claims', async () => {
    for (const client of [viewer.rest, t.anon]) {
      const refused = await rpcError(client, 'due_reports', {});
      expect([401, 403, 404]).toContain(refused.status);
    }
    const claim = await rpcError(viewer.rest, 'claim_report', {
      p_site: 'shop',
      p_user: viewer.id,
      p_period: 'weekly',
      p_period_start: '2026-11-30',
    });
    expect([401, 403, 404]).toContain(claim.status);
    expect((await viewer.rest.from('report_deliveries').select('*')).error?.code).toBe('42501');
  });

  it('a removed member is no longer sent reports', async () => {
    await rpc(owner.rest, 'remove_member', { p_site: 'shop', p_user: viewer.id });
    expect(await dueFor(viewer, '2027-01-06T09:00:00Z')).toEqual([]);
  });
});

describe('spike alerts', () => {
  const alert = {
    site_id: 'shop',
    visitors_threshold: 50,
    quiet_minutes: 30,
    emails: ['ops@example.com'],
    webhook_url: 'https://hooks.example.com/T1',
  };

  it('owners set them; viewers and strangers neither read nor write them', async () => {
    const member = await t.user('second-viewer');
    await rpc(owner.rest, 'invite_member', { p_site: 'shop', p_email: member.email });
    await rpc(member.rest, 'accept_invitations', {});
    const refused = await member.rest.from('spike_alerts').insert(alert);
    expect(refused.error?.code).toBe('42501');
    expect((await stranger.rest.from('spike_alerts').insert(alert)).error?.code).toBe('42501');
    expect((await owner.rest.from('spike_alerts').insert(alert)).error).toBeNull();
    expect((await member.rest.from('spike_alerts').select('*')).data).toEqual([]);
    const { data } = await owner.rest.from('spike_alerts').select('visitors_threshold');
    expect(data).toEqual([{ visitors_threshold: 50 }]);
  });

  it('refuses a webhook that is not an http(s) URL and a threshold below one', async () => {
    const http = await owner.rest
      .from('spike_alerts')
      .update({ webhook_url: 'javascript:alert(1)' })
      .eq('site_id', 'shop');
    expect(http.error?.code).toBe('23514');
    const zero = await owner.rest
      .from('spike_alerts')
      .update({ visitors_threshold: 0 })
      .eq('site_id', 'shop');
    expect(zero.error?.code).toBe('23514');
    // A threshold, a multiple of the usual level, or both; never neither.
    const neither = await owner.rest
      .from('spike_alerts')
      .update({ visitors_threshold: null })
      .eq('site_id', 'shop');
    expect(neither.error?.code).toBe('23514');
    const multiple = await owner.rest
      .from('spike_alerts')
      .update({ visitors_threshold: null, usual_multiple: 3 })
      .eq('site_id', 'shop');
    expect(multiple.error).toBeNull();
    const tooLow = await owner.rest
      .from('spike_alerts')
      .update({ usual_multiple: 1.1 })
      .eq('site_id', 'shop');
    expect(tooLow.error?.code).toBe('23514');
  });
});
