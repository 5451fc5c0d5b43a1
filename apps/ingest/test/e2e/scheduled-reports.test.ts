/**
 * The scheduled e-mail reports through the Worker's Cron Trigger, against the real devstack:
 * Postgres (subscriptions, the delivery record, the report RPCs), Auth (the member's address)
 * and the local inbox behind the Resend-compatible API the Worker sends to.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index.js';
import { sendDueReports } from '../../src/lib/scheduled-reports.js';
import { uid } from '../support/helpers.js';
import { createSite, db } from '../support/e2e-db.js';
import { createUser, inboxMessages } from '../support/inbox.js';

/** Wednesday 18 November 2026, 10:00 UTC: the last complete week in Berlin is 9–15 November. */
const RUN_AT = Date.parse('2026-11-18T10:00:00Z');
const HOURLY = '5 * * * *';

async function runCron(scheduledTime: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: HOURLY, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Whole-day rollups (what the report RPCs read for whole local days) for one day. */
function day(site: string, date: string, visitors: number, pages: Record<string, number>) {
  const rows = [
    { dimension: '', value: '', visits: visitors + 2, pageviews: visitors * 3, bounces: 2 },
    ...Object.entries(pages).map(([path, v]) => ({
      dimension: 'page',
      value: path,
      visits: v,
      pageviews: v * 2,
      bounces: 0,
    })),
    { dimension: 'referrer', value: 'news.example.org', visits: 1, pageviews: 3, bounces: 0 },
  ];
  return rows.map((r) => ({
    site_id: site,
    day: date,
    engaged_ms: r.visits * 60_000,
    new_visitors: r.dimension === '' ? visitors : r.visits,
    returning_by_gap: [],
    ...r,
  }));
}

async function subscribedMember(site: string, period = 'weekly'): Promise<string> {
  const email = `${uid('member')}@example.com`.toLowerCase();
  const user = await createUser(email);
  expect(
    (await db.from('site_members').insert({ site_id: site, user_id: user, role: 'viewer' })).error,
  ).toBeNull();
  expect(
    (await db.from('report_subscriptions').insert({ site_id: site, user_id: user, period })).error,
  ).toBeNull();
  return email;
}

let site: string;

beforeAll(async () => {
  site = await createSite({ name: 'Report shop', timezone: 'Europe/Berlin' });
  const rows = [
    // The week reported on: 9–15 November (local), 10 visitors a day, 4 on /pricing.
    ...['09', '10', '11', '12', '13', '14', '15'].map((d) =>
      day(site, `2026-11-${d}`, 10, { '/': 6, '/pricing': 4 }),
    ),
    // The week before: 5 visitors a day.
    ...['02', '03', '04', '05', '06', '07', '08'].map((d) =>
      day(site, `2026-11-${d}`, 5, { '/': 5 }),
    ),
  ].flat();
  expect((await db.from('daily_rollups').insert(rows)).error).toBeNull();
});

describe('the scheduled e-mail reports', () => {
  it('sends a subscribed member the last week with its change, once however often the cron runs', async () => {
    const email = await subscribedMember(site);
    await runCron(RUN_AT);
    const [mail, ...more] = await inboxMessages(email, { waitMs: 10_000 });
    expect(more).toEqual([]);
    expect(mail!.subject).toBe('Report shop: weekly report, 9 – 15 Nov 2026');
    expect(mail!.from).toContain('reports@');
    // 70 visitors against 35 the week before; the page and the source tables.
    expect(mail!.text).toContain('Visitors: 70 (+100% against the week before)');
    expect(mail!.text).toContain('Page views: 210 (+100% against the week before)');
    expect(mail!.text).toMatch(/\/pricing {2}— {2}28 visitors · 56 views/);
    expect(mail!.text).toContain('news.example.org');
    expect(mail!.html).toContain('Top pages');
    expect(mail!.html).toContain('/pricing');
    // No external assets: nothing is loaded from anywhere, no stylesheet, no image.
    expect(mail!.html).not.toMatch(/<img|<link|<style|src=/i);

    // The cron runs again (hourly, or a retried invocation): nothing more is sent.
    await runCron(RUN_AT + 3_600_000);
    await runCron(RUN_AT);
    expect(await inboxMessages(email, { after: mail!.seq })).toEqual([]);
    const { data } = await db
      .from('report_deliveries')
      .select('period_start,sent_at,message_id')
      .eq('site_id', site);
    const rows = (data ?? []) as { period_start: string; sent_at: string; message_id: string }[];
    expect(rows.map((r) => [r.period_start, r.message_id])).toEqual([['2026-11-09', mail!.id]]);
    expect(Number.isNaN(Date.parse(rows[0]!.sent_at))).toBe(false);
  });

  it('a send the e-mail API refuses is not recorded, and the next run sends it', async () => {
    const email = await subscribedMember(site, 'monthly');
    const at = new Date('2026-12-02T10:00:00Z');
    const refused = await sendDueReports({ ...env, EMAIL_API_KEY: 'not-the-key' }, at);
    expect(refused.sent).toBe(0);
    expect(refused.failed).toBeGreaterThanOrEqual(1);
    expect(await inboxMessages(email)).toEqual([]);
    const run = await sendDueReports(env, at);
    expect(run.sent).toBeGreaterThanOrEqual(1);
    const [mail] = await inboxMessages(email, { waitMs: 10_000 });
    expect(mail!.subject).toBe('Report shop: monthly report, November 2026');
    // November against October: 105 visitors (15 days of data) against none.
    expect(mail!.text).toContain('Visitors: 105 (new against the month before)');
  });

  it('sends nothing to a member who opted out', async () => {
    const email = await subscribedMember(site);
    await db.from('report_subscriptions').delete().eq('site_id', site).eq('period', 'weekly');
    await runCron(Date.parse('2026-11-25T10:00:00Z'));
    expect(await inboxMessages(email)).toEqual([]);
  });
});
