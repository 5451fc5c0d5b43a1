/**
 * A new owner, end to end, in real Chromium against the real stack (devstack: Postgres,
 * PostgREST, Auth with its inbox, Realtime; the ingest Worker in workerd): sign up, confirm from
 * the local inbox, add a site, copy the tracker snippet, see the first event arrive live from a
 * page that carries it, invite a second person (who accepts through the inbox) and remove them
 * again; then a password-protected share link with a hidden report, revoked while open, and
 * the site's settings and deletion. `SIGHTLINE_DASHBOARD_SCREENSHOTS=1` writes the screenshots
 * of docs/dashboard.md to docs/images.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';
import type { IngestWorker } from '@sightline/ingest-worker';
import { startWorkerFor } from '../support/stack.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));
const SCREENSHOTS = process.env.SIGHTLINE_DASHBOARD_SCREENSHOTS === '1';
const image = (name: string): string =>
  fileURLToPath(new URL(`../../../../docs/images/${name}`, import.meta.url));
/** The tracker (rightly) ignores automated browsers and the Worker drops bot user agents. */
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let stack: Devstack;
let dataDir: string;
let worker: IngestWorker;
let web: StaticServer;
let browser: Browser;
let tracked: Server | undefined;
const pageErrors: string[] = [];
const owner = { email: `owner-${Date.now()}@example.com`, password: 'a long enough password' };

async function context(): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    userAgent: DESKTOP_UA,
  });
  ctx.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
  return ctx;
}

/** Opens the newest e-mail to `to` in the inbox page and follows its link (a new tab). */
async function followMail(ctx: BrowserContext, to: string, subject: string): Promise<Page> {
  const inbox = await ctx.newPage();
  await inbox.goto(stack.inboxUrl);
  const row = inbox.getByRole('row').filter({ hasText: to }).getByRole('link', { name: subject });
  // The inbox page reloads every 3 s: wait for the message, not a fixed time.
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await row.first().click();
  const [landed] = await Promise.all([
    ctx.waitForEvent('page'),
    inbox.frameLocator('iframe').getByRole('link').first().click(),
  ]);
  await landed.waitForLoadState();
  await inbox.close();
  return landed;
}

/** A page of the site the owner adds, carrying the snippet copied from the dashboard. */
async function servePage(snippet: string): Promise<string> {
  tracked = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><title>Launch</title>${snippet}</head><body><h1>Hello</h1></body></html>`,
    );
  });
  await new Promise<void>((resolve) => tracked!.listen(0, '127.0.0.1', resolve));
  const address = tracked.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sightline-dashboard-accounts-'));
  stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  // Scheduled reports go to the devstack's inbox (its Resend-compatible API).
  worker = await startWorkerFor(stack, {
    EMAIL_API_URL: stack.emailApiUrl,
    EMAIL_API_KEY: stack.emailApiKey,
  });
  web = await serveDist(dist, {
    supabaseUrl: stack.url,
    publishableKey: stack.publishableKey,
    ingestUrl: worker.url,
  });
  browser = await launchChromium({ args: ['--disable-blink-features=AutomationControlled'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (tracked ? tracked.close(resolve) : resolve(undefined)));
  await web?.close();
  await worker?.stop();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let ownerPage: Page;

describe('a new owner', () => {
  it('signs up, confirms from the inbox, adds a site, copies the snippet and sees the first event live', async () => {
    const ctx = await context();
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url });
    const signUp = await ctx.newPage();
    await signUp.goto(web.url);
    await signUp.getByRole('tab', { name: 'New account' }).click();
    await signUp.getByLabel('E-mail').fill(owner.email);
    await signUp.getByLabel('Password').fill(owner.password);
    if (SCREENSHOTS) await signUp.screenshot({ path: image('account-sign-up.png') });
    await signUp.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => signUp.getByTestId('check-inbox').count()).toBe(1);

    // The confirmation link (PKCE: this browser holds the verifier) signs the owner in.
    ownerPage = await followMail(ctx, owner.email, 'Confirm Your Signup');
    await signUp.close();
    await expect
      .poll(() => ownerPage.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 })
      .toBe('Welcome to Sightline: add your first site');
    expect(ownerPage.url()).not.toContain('code=');
    expect(await ownerPage.getByTestId('account-email').textContent()).toBe(owner.email);

    await ownerPage.getByLabel('Name').fill('Launch blog');
    expect(await ownerPage.getByLabel(/^Site id/).inputValue()).toBe('launch-blog');
    await ownerPage.getByLabel(/^Domains/).fill('127.0.0.1');
    await ownerPage.getByRole('button', { name: 'Add site', exact: true }).click();
    await expect.poll(() => ownerPage.getByTestId('site-created').count()).toBe(1);
    await expect
      .poll(() => ownerPage.getByTestId('first-event').getAttribute('data-state'), {
        timeout: 15_000,
      })
      .toBe('waiting');

    await ownerPage.getByTestId('copy-snippet-full').click();
    const snippet = await ownerPage.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toBe(
      `<script defer src="${worker.url}/s.js" data-site="launch-blog" data-allow-localhost="true"></script>`,
    );
    expect(await ownerPage.getByTestId('snippet-core').textContent()).toContain(
      `${worker.url}/s.core.js`,
    );
    if (SCREENSHOTS) await ownerPage.screenshot({ path: image('account-add-site.png') });

    // A visit to a page with the copied tag: the Worker's live broadcast turns the check green.
    const visit = await (await context()).newPage();
    await visit.goto(await servePage(snippet));
    await expect
      .poll(() => ownerPage.getByTestId('first-event').getAttribute('data-state'), {
        timeout: 20_000,
      })
      .toBe('arrived');
    if (SCREENSHOTS) await ownerPage.screenshot({ path: image('account-first-event.png') });

    await ownerPage.getByRole('button', { name: 'Open the dashboard' }).click();
    await expect
      .poll(() => ownerPage.getByTestId('connection').getAttribute('data-state'), {
        timeout: 15_000,
      })
      .toBe('live');
    await expect.poll(() => ownerPage.getByTestId('visitors-now').textContent()).toBe('1');
    // Closed only now: leaving the page ends the visit, and the live count with it.
    await visit.context().close();
  });

  it('invites a second person, who accepts through the inbox, and removes them again', async () => {
    const invitee = `invitee-${Date.now()}@example.com`;
    await ownerPage.getByRole('button', { name: 'Members' }).click();
    await ownerPage.getByLabel('E-mail').fill(invitee);
    await ownerPage.getByLabel('Role', { exact: true }).selectOption('viewer');
    await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
    await expect
      .poll(() => ownerPage.getByTestId('members-message').textContent())
      .toBe(`Invitation sent to ${invitee}.`);
    await expect
      .poll(() => ownerPage.getByTestId('invitation-list').textContent())
      .toContain(invitee);
    if (SCREENSHOTS) await ownerPage.screenshot({ path: image('account-members.png') });

    // The invitee follows Auth's invitation e-mail (their own browser): signed in, site joined.
    const theirs = await followMail(await context(), invitee, 'You have been invited');
    await expect
      .poll(() => theirs.getByTestId('connection').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('live');
    expect(await theirs.getByTestId('account-email').textContent()).toBe(invitee);
    expect(await theirs.locator('.site-name').textContent()).toBe('Launch blog');
    // A viewer: the dashboard and the members, no sharing or settings.
    expect(await theirs.getByRole('button', { name: 'Settings' }).count()).toBe(0);

    await ownerPage.reload();
    const row = ownerPage.getByTestId('member-list').locator(`tr[data-email="${invitee}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole('combobox').inputValue()).toBe('viewer');
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() => ownerPage.getByTestId('members-message').textContent())
      .toBe(`${invitee} was removed.`);

    // Their open dashboard is told at once; the pass it asks for is refused; the site is gone.
    await expect
      .poll(() => theirs.getByTestId('account-notice').textContent(), { timeout: 15_000 })
      .toContain('Your access to "launch-blog" has ended.');
    expect(await theirs.getByTestId('connection').count()).toBe(0);
    await theirs.context().close();
  });

  it('turns on the weekly e-mail report, which the Cron Trigger sends to the inbox once', async () => {
    await ownerPage.getByRole('button', { name: 'Members' }).click();
    const weekly = ownerPage.getByTestId('email-reports').getByRole('checkbox', { name: /Weekly/ });
    await expect.poll(() => weekly.isEnabled()).toBe(true);
    expect(await weekly.isChecked()).toBe(false);
    await weekly.check();
    // Saved for this member: still ticked after a reload.
    await ownerPage.reload();
    await expect.poll(() => weekly.isChecked(), { timeout: 10_000 }).toBe(true);
    if (SCREENSHOTS)
      await ownerPage.getByTestId('email-reports').screenshot({ path: image('email-reports.png') });

    // The Worker's Cron Trigger, run by hand as `pnpm dev` allows: last week's report is sent.
    const cron = () => fetch(`${worker.url}/__scheduled?cron=5+*+*+*+*`).then((r) => r.text());
    await cron();
    const inbox = await ownerPage.context().newPage();
    await inbox.goto(stack.inboxUrl);
    const report = inbox
      .getByRole('row')
      .filter({ hasText: owner.email })
      .getByRole('link', { name: /Launch blog: weekly report/ });
    await expect.poll(() => report.count(), { timeout: 20_000 }).toBe(1);
    await report.click();
    const mail = inbox.frameLocator('iframe');
    await expect.poll(() => mail.getByText('Top pages').count(), { timeout: 10_000 }).toBe(1);
    expect(await mail.getByText('Visit duration').count()).toBe(1);

    // Again: the period was recorded as sent, nothing more arrives.
    await cron();
    await inbox.goto(stack.inboxUrl);
    expect(await report.count()).toBe(1);
    await inbox.close();
  });

  it('shares the dashboard by a password-protected link that hides a report, and revokes it while it is open', async () => {
    await ownerPage.getByRole('button', { name: 'Sharing' }).click();
    await ownerPage.getByLabel('Label (who it is for)').fill('Board <b>meeting</b>');
    await ownerPage.getByLabel('Password (optional)').fill('quarterly');
    await ownerPage.getByLabel(/Countries/).check();
    await ownerPage.getByRole('button', { name: 'Create link' }).click();
    const url = await ownerPage.getByTestId('new-share-link').locator('code').textContent();
    expect(url).toMatch(/#share=sl_[A-Za-z0-9_-]{43}$/);
    // The list reloads after the link is shown: wait for its row. Labels are text, never markup.
    await expect
      .poll(() => ownerPage.getByTestId('share-list').locator('tr[data-state="active"]').count())
      .toBe(1);
    expect(await ownerPage.getByTestId('share-list').locator('b').count()).toBe(0);
    expect(await ownerPage.getByTestId('share-list').textContent()).toContain(
      'Board <b>meeting</b>',
    );
    if (SCREENSHOTS) await ownerPage.screenshot({ path: image('account-sharing.png') });

    const viewer = await (await context()).newPage();
    await viewer.goto(url!);
    // The app takes the secret out of the address bar (and history) as it starts.
    await expect.poll(() => viewer.url()).not.toContain('sl_');
    await viewer.getByLabel('Password').fill('wrong');
    await viewer.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => viewer.getByTestId('share-password').textContent())
      .toContain('not right');
    await viewer.getByLabel('Password').fill('quarterly');
    await viewer.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => viewer.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await expect.poll(() => viewer.getByTestId('breakdown-page').count()).toBe(1);
    expect(await viewer.getByTestId('breakdown-country').count()).toBe(0);
    if (SCREENSHOTS) await viewer.screenshot({ path: image('shared-dashboard.png') });

    await ownerPage
      .getByTestId('share-list')
      .locator('tr[data-state="active"]')
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect
      .poll(() => ownerPage.getByTestId('share-list').locator('tr[data-state="revoked"]').count())
      .toBe(1);
    await expect
      .poll(() => viewer.getByTestId('share-ended').getAttribute('data-reason'), {
        timeout: 15_000,
      })
      .toBe('share_revoked');
    await viewer.context().close();
  });

  it('creates a Stats API key that reads the site, shows it once, and revokes it', async () => {
    const form = ownerPage.getByTestId('api-key-form');
    await form.getByLabel('Name (what it is for)').fill('Weekly <i>export</i>');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = await ownerPage.getByTestId('new-api-key').locator('code').textContent();
    expect(key).toMatch(/^sl_key_[A-Za-z0-9_-]{43}$/);
    const keys = ownerPage.getByTestId('api-key-list');
    await expect.poll(() => keys.locator('tr[data-state="active"]').count()).toBe(1);
    expect(await keys.locator('i').count()).toBe(0);
    expect(await keys.textContent()).toContain('Weekly <i>export</i>');
    expect(await keys.textContent()).not.toContain(key!.slice(12));

    const overview = () =>
      fetch(`${worker.url}/api/v1/sites/launch-blog/overview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          from: new Date(Date.now() - 86_400_000).toISOString(),
          to: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      });
    const res = await overview();
    const answer = (await res.json()) as { meta: { source: string }; results: { visits: number } };
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('120');
    // The page that carried the snippet sent the first event (above).
    expect(answer.results.visits).toBeGreaterThanOrEqual(1);
    await ownerPage.reload();
    await ownerPage.getByRole('button', { name: 'Sharing' }).click();
    await expect
      .poll(() => keys.locator('tr[data-state="active"] td').nth(3).textContent())
      .not.toBe('never');
    if (SCREENSHOTS)
      await ownerPage.screenshot({ path: image('account-api-keys.png'), fullPage: true });

    await keys.locator('tr[data-state="active"]').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => keys.locator('tr[data-state="revoked"]').count()).toBe(1);
    const refused = await overview();
    expect([
      refused.status,
      ((await refused.json()) as { error: { code: string } }).error.code,
    ]).toEqual([401, 'invalid_api_key']);
  });

  it('sets a spike alert in the settings; the database refuses a bad webhook', async () => {
    await ownerPage.getByRole('button', { name: 'Settings' }).click();
    const form = ownerPage.getByTestId('spike-alert');
    await expect.poll(() => form.getByRole('button', { name: 'Set alert' }).isEnabled()).toBe(true);
    await form.getByLabel('Visitors now, at least').fill('50');
    await form.getByLabel(/E-mail addresses/).fill('ops@example.com, oncall@example.com');
    await form.getByLabel('Webhook URL').fill('javascript:alert(1)');
    await form.getByRole('button', { name: 'Set alert' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('check constraint');
    await form.getByLabel('Webhook URL').fill('https://hooks.example.com/services/T1');
    await form.getByRole('button', { name: 'Set alert' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Saved.');
    if (SCREENSHOTS) await form.screenshot({ path: image('spike-alert.png') });
    await ownerPage.reload();
    await expect
      .poll(() => form.getByLabel('Visitors now, at least').inputValue(), { timeout: 10_000 })
      .toBe('50');
    expect(await form.getByLabel(/E-mail addresses/).inputValue()).toBe(
      'ops@example.com, oncall@example.com',
    );
  });

  it('changes the settings, and deletes the site with its data after typing its id', async () => {
    await ownerPage.getByRole('button', { name: 'Settings' }).click();
    await ownerPage.getByLabel('Time zone of the reports').selectOption('Asia/Tokyo');
    await ownerPage.getByLabel(/Public dashboard/).check();
    await ownerPage.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => ownerPage.getByTestId('settings-message').textContent()).toBe('Saved.');
    // The public address shows once the site list has been read again after the save.
    await expect
      .poll(() => ownerPage.locator('.settings').textContent())
      .toContain('#public=launch-blog');
    if (SCREENSHOTS)
      await ownerPage.screenshot({ path: image('account-settings.png'), fullPage: true });

    // The public dashboard: anyone reads the reports with the publishable key alone, no live view.
    const visitor = await (await context()).newPage();
    await visitor.goto(`${web.url}/#public=launch-blog`);
    await expect.poll(() => visitor.getByTestId('breakdown-page').count()).toBe(1);
    expect(await visitor.locator('.site-name').textContent()).toBe('Launch blog');
    expect(await visitor.getByTestId('connection').count()).toBe(0);
    await visitor.context().close();

    const remove = ownerPage.getByRole('button', { name: 'Delete site and data' });
    expect(await remove.isDisabled()).toBe(true);
    await ownerPage.getByLabel('Site id to confirm').fill('launch-blog');
    await remove.click();
    await expect
      .poll(() => ownerPage.getByTestId('account-notice').textContent())
      .toContain('"Launch blog" and its data were deleted.');
    await expect
      .poll(() => ownerPage.getByRole('heading', { level: 1 }).textContent())
      .toBe('Welcome to Sightline: add your first site');
  });
});

describe('page health', () => {
  it('threw no uncaught errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
