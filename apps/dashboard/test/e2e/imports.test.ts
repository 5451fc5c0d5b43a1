/**
 * Importing history from the dashboard, in real Chromium against the real stack (devstack:
 * Postgres, PostgREST, Auth; the ingest Worker in workerd): an owner signs in, uploads a Plausible
 * export (a zip written as Plausible writes it) in Settings → Imports, sees the summary and the
 * import listed, finds its figures in the overview and the Pages card with the "includes
 * imported data" mark, then deletes it and the figures go. A malformed file is refused with
 * its place. "Export history" downloads a site with real traffic as Sightline's export, and that
 * file uploaded into a second site gives the same overview. `SIGHTLINE_SCREENSHOTS=1` rewrites
 * docs/images/import.png and docs/images/export.png.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  plausibleFiles,
  sightlineExportOf,
  zipOf,
} from '../../../../supabase/test/support/imports.js';
import { generateTraffic, toBatches } from '../../../../supabase/test/support/traffic.js';
import { startDevstack, type Devstack } from '@sightline/devstack';
import type { IngestWorker } from '@sightline/ingest-worker';
import { startWorkerFor } from '../support/stack.js';
import { PostgrestClient } from '@sightline/postgrest';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const MIGRATIONS = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));
const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const SCREENSHOT = process.env.SIGHTLINE_SCREENSHOTS === '1';
const image = fileURLToPath(new URL('../../../../docs/images/import.png', import.meta.url));
const exportImage = fileURLToPath(new URL('../../../../docs/images/export.png', import.meta.url));
const SITE = 'import-shop';
/** A site with real traffic on DAYS, exported, and the site its export is uploaded into. */
const SOURCE = 'export-source';
const COPY = 'export-copy';
const owner = { email: `importer-${Date.now()}@example.com`, password: 'a long enough password' };

/** The three UTC days before today: inside "7 days". */
const DAYS = [3, 2, 1].map((ago) =>
  new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10),
);

let dataDir: string;
let stack: Devstack;
let worker: IngestWorker;
let web: StaticServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sightline-dashboard-imports-'));
  stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  worker = await startWorkerFor(stack);
  // The owner and their site, made with the secret key as an operator would.
  const created = await fetch(`${stack.authUrl}/admin/users`, {
    method: 'POST',
    headers: {
      apikey: stack.secretKey,
      authorization: `Bearer ${stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ ...owner, email_confirm: true }),
  });
  const user = (await created.json()) as { id: string };
  const admin = new PostgrestClient(`${stack.url}/rest/v1`, {
    headers: { apikey: stack.secretKey, Authorization: `Bearer ${stack.secretKey}` },
  });
  const site = await admin.from('sites').insert([
    { id: SITE, name: 'Import Shop', timezone: 'UTC', domains: ['shop.example'] },
    { id: SOURCE, name: 'Export Source', timezone: 'UTC', domains: ['source.example'] },
    { id: COPY, name: 'Export Copy', timezone: 'UTC', domains: ['copy.example'] },
  ]);
  if (site.error) throw new Error(`creating the sites: ${site.error.message}`);
  const member = await admin
    .from('site_members')
    .insert([SITE, SOURCE, COPY].map((id) => ({ site_id: id, user_id: user.id, role: 'owner' })));
  if (member.error) throw new Error(`adding the owner: ${member.error.message}`);
  // The source's traffic, through the ingest RPC as the Worker writes it, on DAYS only.
  const traffic = generateTraffic({
    siteId: SOURCE,
    seed: 7,
    startMs: Date.parse(`${DAYS[0]}T00:00:00Z`),
    spanMs: 3 * 86_400_000 - 3_600_000,
    visitors: 30,
    sessions: 90,
  });
  for (const batch of toBatches(traffic, 200)) {
    const res = await admin.rpc('ingest_batch', { payload: batch });
    if (res.error) throw new Error(`ingesting the traffic: ${res.error.message}`);
  }
  web = await serveDist(dist, {
    supabaseUrl: stack.url,
    publishableKey: stack.publishableKey,
    ingestUrl: worker.url,
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${web.url}?site=${SITE}&range=7d`);
  await page.getByLabel('E-mail').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Settings' }).waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await worker?.stop();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function reports(site = SITE, day?: string): Promise<void> {
  const range = day ? `range=custom&from=${day}&to=${day}` : 'range=7d';
  await page.goto(`${web.url}?site=${site}&${range}`);
  await expect.poll(() => page.getByTestId('metric-visits').count()).toBe(1);
}

const metric = (key: string) => page.getByTestId(`metric-${key}`).textContent();

describe('imports from the dashboard', () => {
  it('uploads a Plausible export in the settings and shows its summary and the list', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Imports' });
    await panel.getByTestId('import-file').setInputFiles({
      name: 'plausible-export.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(await zipOf(plausibleFiles(DAYS))),
    });
    await expect
      .poll(() => panel.getByTestId('import-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^Imported \d+ records of 3 days \(.+\) from a plausible export\.$/);
    await expect.poll(() => panel.getByTestId('import-list').locator('tbody tr').count()).toBe(1);
    expect(await panel.getByTestId('import-list').textContent()).toContain('plausible-export.zip');
    if (SCREENSHOT) await panel.screenshot({ path: image });
  });

  it('shows the imported figures in the overview and the Pages card, marked', async () => {
    await reports();
    await expect.poll(() => metric('visits')).toBe('360');
    expect(await metric('pageviews')).toBe('900');
    await expect
      .poll(() => page.getByTestId('imported-note').textContent())
      .toMatch(/^Includes imported data \(3 days/);
    const pages = page.getByTestId('breakdown-page');
    await expect.poll(() => pages.textContent()).toContain('/docs');
    expect(await pages.textContent()).toContain('/pricing');
  });

  it('refuses a malformed file with its place and keeps nothing', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Imports' });
    const files = plausibleFiles(['2024-01-01']);
    const name = Object.keys(files).find((n) => n.startsWith('imported_visitors'))!;
    files[name] = files[name]!.replace('"2024-01-01",100', '"2024-01-01",-5');
    await panel.getByTestId('import-file').setInputFiles({
      name: 'broken.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(await zipOf(files)),
    });
    await expect
      .poll(() => panel.getByTestId('import-error').textContent(), { timeout: 30_000 })
      .toContain(`${name}, line 2, column 2 (visitors)`);
    expect(await panel.getByTestId('import-list').locator('tbody tr').count()).toBe(1);
  });

  it('deletes the import, and its figures go', async () => {
    const panel = page.getByRole('region', { name: 'Imports' });
    await panel.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => panel.getByTestId('import-list').locator('tbody tr').count()).toBe(0);
    await reports();
    await expect.poll(() => metric('visits')).toBe('0');
    expect(await page.getByTestId('imported-note').count()).toBe(0);
    expect(await page.getByTestId('breakdown-page').textContent()).not.toContain('/docs');
    expect(pageErrors).toEqual([]);
  });

  it('renders hostile imported text as text, beside the ordinary rows', async () => {
    const hostile = [
      '/<img src=x onerror="window.__pwned=1">',
      '/<script>window.__pwned=2</script>',
      '/\u202Egnp.exe',
      '/=HYPERLINK("https://evil.example")',
      '/' + 'é'.repeat(900),
    ];
    await page.getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Imports' });
    await panel.getByTestId('import-file').setInputFiles({
      name: 'sightline-export.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(
        await sightlineExportOf(DAYS[1]!, [
          ['/docs', 9],
          ...hostile.map((v) => [v, 2] as [string, number]),
        ]),
      ),
    });
    await expect
      .poll(() => panel.getByTestId('import-summary').textContent(), { timeout: 30_000 })
      .toMatch(/from a sightline export/);
    await reports();
    await expect.poll(() => metric('visits')).toBe('60');
    const pages = page.getByTestId('breakdown-page');
    await expect.poll(() => pages.textContent()).toContain('/docs');
    const text = (await pages.textContent()) ?? '';
    expect(text).toContain('/<script>window.__pwned=2</script>');
    expect(text).toContain('/<img src=x onerror="window.__pwned=1">');
    expect(await pages.locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    // The ordinary row keeps its figures (9 visits) and comes first.
    expect(await pages.locator('tbody tr').first().textContent()).toContain('/docs');
    expect(pageErrors).toEqual([]);
  });

  it('exports a site with traffic, and its file uploaded into another site gives the same overview', async () => {
    await page.goto(`${web.url}?site=${SOURCE}&range=7d`);
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Export history' });
    // The default range: the site's first day with data to yesterday.
    await expect.poll(() => form.getByTestId('export-from').inputValue()).toBe(DAYS[0]);
    expect(await form.getByTestId('export-to').inputValue()).toBe(DAYS[2]);
    // The first breakdown read is held until the progress of the totals has been seen.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/rest/v1/rpc/stats_breakdown', async (route) => {
      await held;
      await route.continue();
    });
    const downloaded = page.waitForEvent('download', { timeout: 60_000 });
    await form.getByRole('button', { name: 'Export history' }).click();
    await expect
      .poll(() => form.getByTestId('export-progress').textContent())
      .toMatch(
        /^Exporting source\.example-sightline-export\.zip: 3 of 3 days of totals \(report 1 of \d+\)…$/,
      );
    release();
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe('source.example-sightline-export.zip');
    const file = await readFile(await download.path());
    await page.unroute('**/rest/v1/rpc/stats_breakdown');
    await expect
      .poll(() => form.getByTestId('export-summary').textContent())
      .toBe(`Exported 3 days (${DAYS[0]} to ${DAYS[2]}) as source.example-sightline-export.zip.`);
    if (SCREENSHOT) await form.screenshot({ path: exportImage });

    await page.goto(`${web.url}?site=${COPY}&range=7d`);
    await page.getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('region', { name: 'Imports' });
    await panel.getByTestId('import-file').setInputFiles({
      name: download.suggestedFilename(),
      mimeType: 'application/zip',
      buffer: file,
    });
    await expect
      .poll(() => panel.getByTestId('import-summary').textContent(), { timeout: 30_000 })
      .toMatch(/records of 3 days \(.+\) from a sightline export\.$/);

    // The overview's cards of one day once loaded ('…' while loading). Day by day: over several
    // days imported visitors are summed, an upper bound (docs/imports.md).
    const figures = async (site: string, day: string) => {
      await reports(site, day);
      const keys = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'avg_engaged_ms'];
      const read = async (): Promise<Record<string, string | null>> =>
        Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await metric(k)] as const)));
      await expect
        .poll(async () => Object.values(await read()).some((v) => !v || v.includes('…')))
        .toBe(false);
      return read();
    };
    for (const day of DAYS) {
      const source = await figures(SOURCE, day);
      expect(source.visits, day).toMatch(/[1-9]/);
      expect(await figures(COPY, day), day).toEqual(source);
      // The note comes from its own RPC, which may answer after the figures.
      await expect.poll(() => page.getByTestId('imported-note').count()).toBe(1);
    }
    expect(pageErrors).toEqual([]);
  });

  it('refuses a range that ends today with its code, and downloads nothing', async () => {
    await page.goto(`${web.url}?site=${SOURCE}&range=7d`);
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Export history' });
    let downloads = 0;
    page.on('download', () => downloads++);
    await form.getByTestId('export-to').fill(new Date().toISOString().slice(0, 10));
    await form.getByRole('button', { name: 'Export history' }).click();
    await expect
      .poll(() => form.getByTestId('export-error').textContent())
      .toMatch(/^The last day can be yesterday \(.+\) at most \(bad_range\)$/);
    expect(await form.getByTestId('export-summary').count()).toBe(0);
    expect(downloads).toBe(0);
  });
});
