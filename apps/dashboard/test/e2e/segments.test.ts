/**
 * Filters with operators in real Chromium against the real stack: the devstack (Postgres,
 * PostgREST, its local Analytics Engine) and the ingest Worker, which writes the beacons sent
 * here to both stores. A three-filter segment with "is not" and "contains", built in the filter
 * bar, is answered by the Stats API (Analytics Engine) and must equal the truth computed from the
 * visits sent; the segment survives a reload; a card exports it as CSV, and every report comes
 * as one zip of CSV files; the comparison with
 * the same period last year is asked of the Stats API. The segment is saved under a name,
 * applied again from the filter bar, renamed and deleted (the service token the dashboard holds
 * here may change every segment of its site). `SIGHTLINE_SCREENSHOTS=1` rewrites
 * docs/images/segment-filters.png and docs/images/segments.png.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack, type Devstack } from '@sightline/devstack';
import type { IngestWorker } from '@sightline/ingest-worker';
import { startWorkerFor } from '../support/stack.js';
import { PostgrestClient } from '@sightline/postgrest';
import { DIMENSION_SPECS } from '@sightline/schema/dimensions';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const MIGRATIONS = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));
const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const SCREENSHOT = process.env.SIGHTLINE_SCREENSHOTS === '1';
const SITE = 'segment-shop';
const DIMENSION_COUNT = DIMENSION_SPECS.length;

const UAS = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  firefoxWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  chromeLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};
const REFERRERS = ['https://www.google.com/search?q=shop', 'https://www.bing.com/', ''];

interface SentVisit {
  ua: keyof typeof UAS;
  referrer: string;
}

let dataDir: string;
let stack: Devstack;
let worker: IngestWorker;
let web: StaticServer;
let browser: Browser;
let token: string;
const sent: SentVisit[] = [];
const pageErrors: string[] = [];

let n = 0;
const id = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${(n++).toString(36)}`;

/** Each user agent's visits as one beacon, as the tracker on https://shop.example would send. */
async function sendVisits(): Promise<void> {
  for (const ua of Object.keys(UAS) as (keyof typeof UAS)[]) {
    const events = REFERRERS.flatMap((referrer) =>
      [0, 1].map(() => {
        sent.push({ ua, referrer });
        return {
          type: 'pageview',
          id: id('evt'),
          ts: Date.now(),
          session: id('ses'),
          visitor: id('vis'),
          url: '/products',
          referrer,
          storage: true,
        };
      }),
    );
    const res = await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: 'https://shop.example',
        'user-agent': UAS[ua],
      },
      body: JSON.stringify({ v: 1, site: SITE, events }),
    });
    expect(res.status, await res.text()).toBeLessThan(300);
  }
}

/** The segment's truth: browser is not Firefox, referrer contains "google", OS is Windows. */
const segmentVisitors = (): number =>
  sent.filter((v) => v.ua === 'chromeWindows' && v.referrer.includes('google')).length;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sightline-dashboard-segments-'));
  stack = await startDevstack({ dataDir, migrationsDir: MIGRATIONS });
  const engine = stack.analyticsEngine;
  if (!engine.available) throw new Error(`the local Analytics Engine is needed: ${engine.reason}`);
  // Read by the devstack's Miniflare plugin behind EVENTS_AE (apps/ingest/wrangler.jsonc): the
  // Worker's data points go to this stack's Analytics Engine.
  process.env.SIGHTLINE_AE_URL = stack.url;
  process.env.SIGHTLINE_AE_API_TOKEN = engine.apiToken;
  worker = await startWorkerFor(stack, {
    ANALYTICS_ENGINE_SQL_URL: engine.sqlUrl,
    ANALYTICS_ENGINE_API_TOKEN: engine.apiToken,
  });
  const admin = new PostgrestClient(`${stack.url}/rest/v1`, {
    headers: { apikey: stack.secretKey, Authorization: `Bearer ${stack.secretKey}` },
  });
  const created = await admin.from('sites').insert([
    {
      id: SITE,
      name: 'Segment Shop',
      timezone: 'UTC',
      public_live: false,
      domains: ['shop.example'],
    },
  ]);
  if (created.error) throw new Error(`creating the site: ${created.error.message}`);
  token = await stack.signToken(
    {
      role: 'authenticated',
      aud: 'authenticated',
      iss: stack.authUrl,
      sub: 'service:segments',
      site_ids: [SITE],
    },
    { expiresIn: 3600 },
  );
  web = await serveDist(dist, {
    supabaseUrl: stack.url,
    publishableKey: stack.publishableKey,
    ingestUrl: worker.url,
  });
  browser = await launchChromium();
  await sendVisits();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await worker?.stop();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${web.url}${path}#token=${token}`);
  return page;
}

/** The sum of the visitors chart's buckets, read from each bucket's tooltip ("01:00: 2"). */
async function seriesTotal(page: Page): Promise<number> {
  const titles = await page.getByTestId('timeseries').locator('rect title').allTextContents();
  return titles.reduce(
    (sum, t) => sum + Number(/: ([\d,]+)/.exec(t)?.[1]?.replace(/,/g, '') ?? 0),
    0,
  );
}

async function addFilter(page: Page, dimension: string, operator: string, value: string) {
  await page.getByRole('button', { name: '+ Filter' }).click();
  const form = page.getByRole('form', { name: 'Add a filter' });
  await form.getByLabel('Dimension').selectOption({ label: dimension });
  await form.getByLabel('Operator').selectOption({ label: operator });
  await form.getByLabel('Value').fill(value);
  await form.getByRole('button', { name: 'Add' }).click();
}

describe('segments', () => {
  it('builds a three-filter segment with "is not" and "contains" that equals the truth', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const visitors = page.getByTestId('metric-visitors');
    // The visits reached the stores (Postgres answers the unfiltered overview).
    await expect.poll(() => visitors.textContent(), { timeout: 30_000 }).toBe(String(sent.length));

    await addFilter(page, 'Browsers', 'is not', 'Firefox');
    await addFilter(page, 'Referrers', 'contains', 'google');
    await addFilter(page, 'Operating systems', 'is', 'Windows');
    expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([
      'Browsers is not: Firefox ×',
      'Referrers contains: google ×',
      'Operating systems: Windows ×',
    ]);
    // Analytics Engine answers this segment; its points arrive with the Worker's flush.
    await expect
      .poll(() => visitors.textContent(), { timeout: 30_000 })
      .toBe(String(segmentVisitors()));
    // The time series too: its hourly buckets (each visitor made one visit) add up to the same.
    await expect.poll(() => seriesTotal(page), { timeout: 30_000 }).toBe(segmentVisitors());
    expect(await page.getByTestId('rpc-only-note').count()).toBe(1);
    expect(await page.getByTestId('estimated').count()).toBe(0);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('f.browser.is_not')).toEqual(['Firefox']);
    expect(url.searchParams.getAll('f.referrer.contains')).toEqual(['google']);
    expect(url.searchParams.getAll('f.os')).toEqual(['Windows']);
    await expect.poll(() => page.locator('[aria-busy=true]').count()).toBe(0);
    if (SCREENSHOT)
      await page.screenshot({
        path: fileURLToPath(
          new URL('../../../../docs/images/segment-filters.png', import.meta.url),
        ),
        fullPage: true,
      });

    // Saved under a name: the panel marks it as the filters now applied.
    await page.getByTestId('segments-toggle').click();
    await page.getByLabel('Segment name').fill('Windows from Google');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await expect
      .poll(() => page.getByTestId('segments-toggle').textContent())
      .toBe('Segments (1): Windows from Google');
    await page.getByTestId('segments-toggle').click();

    // Each card exports its report with the segment, as CSV from the Stats API.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export Referrers as CSV' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`${SITE}-referrer.csv`);
    const csv = await readFile(await file.path(), 'utf8');
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toBe('value,visitors,visits,pageviews,bounce_rate,engaged_ms');
    expect(lines.map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      `google.com,${segmentVisitors()},${segmentVisitors()},${segmentVisitors()}`,
    ]);

    // Every report at once: one zip of CSV files, the same as each card's; what no store answers
    // for this segment (e.g. exit pages: Postgres only, which cannot apply "is not") is named in
    // refused.txt with its code.
    const [zipped] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export every report as CSV files in a zip' }).click(),
    ]);
    expect(zipped.suggestedFilename()).toBe(`${SITE}-reports.zip`);
    const entries = unzipSync(new Uint8Array(await readFile(await zipped.path())));
    const names = Object.keys(entries);
    expect(names).toEqual(
      expect.arrayContaining([
        `${SITE}-overview.csv`,
        `${SITE}-timeseries-hour.csv`,
        `${SITE}-referrer.csv`,
        `${SITE}-browser.csv`,
        'refused.txt',
      ]),
    );
    expect(strFromU8(entries[`${SITE}-referrer.csv`]!)).toBe(csv);
    const refused = strFromU8(entries['refused.txt']!).trimEnd().split('\n');
    expect(refused.some((l) => l.startsWith('Exit pages: unsupported_query: '))).toBe(true);
    // Each dimension's report is in the zip or named as refused; none is lost.
    expect(names.length - 1 + refused.length).toBe(2 + DIMENSION_COUNT);
    expect(await page.getByTestId('zip-note').textContent()).toContain('refused');

    // A reload (and so a shared link) keeps the segment.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('metric-visitors').textContent(), { timeout: 30_000 })
      .toBe(String(segmentVisitors()));
    expect(await page.getByTestId('filter-chip').count()).toBe(3);

    // Removing the "is not" leaves contains + is: still the Stats API, now with Firefox too.
    await page.getByTestId('filter-chip').first().click();
    const withFirefox = sent.filter(
      (v) => v.ua !== 'chromeLinux' && v.referrer.includes('google'),
    ).length;
    await expect
      .poll(() => page.getByTestId('metric-visitors').textContent(), { timeout: 30_000 })
      .toBe(String(withFirefox));

    // Compare with the same period last year: the Stats API's comparison period (the RPCs know
    // only the previous period), asked for by the dashboard and kept in the URL.
    await page.getByRole('button', { name: 'Clear all' }).click();
    const asked = page.waitForRequest(
      (r) =>
        r.url().endsWith(`/api/v1/sites/${SITE}/overview`) &&
        (r.postDataJSON() as { compare?: string }).compare === 'previous_year',
    );
    await page.getByLabel('Compare with').selectOption('previous_year');
    await asked;
    expect(new URL(page.url()).searchParams.get('compare')).toBe('previous_year');
    await expect
      .poll(() => page.getByTestId('metric-visitors').textContent(), { timeout: 30_000 })
      .toBe(String(sent.length));
    expect(await page.getByTestId('timeseries').locator('..').textContent()).toContain(
      'same period last year',
    );
    expect(pageErrors).toEqual([]);
  });

  it('applies, renames and deletes a saved segment from the filter bar', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const visitors = page.getByTestId('metric-visitors');
    await expect.poll(() => visitors.textContent(), { timeout: 30_000 }).toBe(String(sent.length));
    const toggle = page.getByTestId('segments-toggle');
    await expect.poll(() => toggle.textContent()).toBe('Segments (1)');
    await toggle.click();
    const panel = page.getByRole('region', { name: 'Saved segments' });
    await panel.getByRole('button', { name: 'Windows from Google' }).click();
    expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([
      'Browsers is not: Firefox ×',
      'Referrers contains: google ×',
      'Operating systems: Windows ×',
    ]);
    expect(new URL(page.url()).searchParams.getAll('f.referrer.contains')).toEqual(['google']);
    await expect
      .poll(() => visitors.textContent(), { timeout: 30_000 })
      .toBe(String(segmentVisitors()));
    await expect.poll(() => toggle.textContent()).toBe('Segments (1): Windows from Google');

    // A second one, with a hostile name: shown as text.
    await page.getByTestId('filter-chip').first().click();
    await toggle.click();
    const hostile = '<img src=x onerror=alert(1)> \u202eelgoog';
    await page.getByLabel('Segment name').fill(hostile);
    await page.getByRole('button', { name: 'Save segment' }).click();
    await expect.poll(() => panel.getByTestId('saved-segment').count()).toBe(2);
    expect(await panel.locator('img').count()).toBe(0);
    // The same name again is refused with the database's reason, shown beside the form.
    await page.getByLabel('Segment name').fill('windows from google');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await expect.poll(() => page.getByTestId('segment-error').textContent()).toContain('already');
    if (SCREENSHOT)
      await page.screenshot({
        path: fileURLToPath(new URL('../../../../docs/images/segments.png', import.meta.url)),
      });

    const row = panel.getByTestId('saved-segment').filter({ hasText: 'Windows from Google' });
    await row.getByRole('button', { name: 'Rename' }).click();
    await panel.getByLabel('New name').fill('Google on Windows');
    await panel.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => panel.getByTestId('saved-segment').allTextContents())
      .toContainEqual(expect.stringContaining('Google on Windows'));
    const renamed = panel.getByTestId('saved-segment').filter({ hasText: 'Google on Windows' });
    await renamed.getByRole('button', { name: 'Delete' }).click();
    await renamed.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => panel.getByTestId('saved-segment').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it("today's figures move with a conversion pushed live, re-read at most once per 10 s", async () => {
    const page = await open(`/?site=${SITE}&range=today`);
    const reads: number[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/rpc/stats_overview')) reads.push(Date.now());
    });
    const visitors = page.getByTestId('metric-visitors');
    await expect.poll(() => visitors.textContent(), { timeout: 30_000 }).toBe(String(sent.length));
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    const events = page.getByTestId('breakdown-event');
    await page.getByRole('tab', { name: 'Custom events' }).click();
    expect(await events.textContent()).not.toContain('purchase');
    // No reload: a mark on the page survives only if the figures change in place.
    await page.evaluate(() => ((window as { stillHere?: boolean }).stillHere = true));

    // A shopper buys, as the traffic simulator's do (scripts/dev/traffic.mjs): a page view and
    // a "purchase" custom event with revenue, in the tracker's protocol through the Worker.
    const visit = { session: id('ses'), visitor: id('vis'), storage: true };
    const res = await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: 'https://shop.example',
        'user-agent': UAS.chromeLinux,
      },
      body: JSON.stringify({
        v: 1,
        site: SITE,
        events: [
          { ...visit, type: 'pageview', id: id('evt'), ts: Date.now(), url: '/cart' },
          {
            ...visit,
            type: 'custom',
            id: id('evt'),
            ts: Date.now(),
            url: '/cart',
            name: 'purchase',
            props: { product: 'lamp' },
            revenue: { amount: 89, currency: 'EUR' },
          },
        ],
      }),
    });
    expect(res.status, await res.text()).toBeLessThan(300);
    await expect
      .poll(() => visitors.textContent(), { timeout: 40_000 })
      .toBe(String(sent.length + 1));
    await expect.poll(() => events.textContent(), { timeout: 40_000 }).toContain('purchase');
    expect(await page.evaluate(() => (window as { stillHere?: boolean }).stillHere)).toBe(true);
    // The first read is the page's own; the live ones follow at least 10 s apart.
    const gaps = reads.slice(1).map((at, i) => at - reads[i]!);
    expect(reads.length).toBeGreaterThan(1);
    expect(Math.min(...gaps.slice(1), Infinity)).toBeGreaterThanOrEqual(9_500);
    expect(pageErrors).toEqual([]);
  });
});
