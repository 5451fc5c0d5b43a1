/**
 * Issue 9's end-to-end test: a real Chromium visits the demo shop (tracker served by the Worker),
 * navigates, scrolls and leaves through an outbound link; the dashboard, opened in another page,
 * must show exactly those visits and pageviews and a live marker for that visitor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatch, type Batch } from '@sightline/schema';
import { pollUntil } from '@sightline/test-utils';
import { launchBrowser } from '../src/browser.js';
import { fromRoot } from '../src/paths.js';
import { startStack, type Stack } from '../src/stack.js';

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const beacons: Batch[] = [];
/** Kept out of git by default; `SIGHTLINE_SCREENSHOT` points it at docs/images to refresh the README's. */
const screenshotPath = process.env.SIGHTLINE_SCREENSHOT ?? fromRoot('.sightline/e2e-dashboard.png');

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a visit, end to end', () => {
  it('lands in Postgres exactly and shows on the dashboard with a live marker', async () => {
    const page = await browser.context.newPage();
    page.on('request', (request) => {
      if (request.url().startsWith(`${stack.ingestUrl}/v1/events`) && request.method() === 'POST') {
        // Whatever wire version the tracker sends, read it as the Worker does (v1 events).
        const { data, error } = parseBatch(request.postData() ?? '');
        if (error) throw new Error(`the tracker sent an invalid beacon: ${error.message}`);
        beacons.push(data);
      }
    });

    // Landing page, then SPA navigation (pushState) to two more routes, back once (popstate).
    await page.goto(`${stack.demoUrl}/?utm_source=e2e&utm_medium=test&utm_campaign=launch`);
    await page.click('text=Browse products');
    await page.waitForURL('**/products');
    await page.click('text=Desk lamp');
    await page.waitForURL('**/products/lamp');
    await page.mouse.wheel(0, 2000);
    await page.goBack();
    await page.waitForURL('**/products');
    // The partner link opens in a new tab (the shop stays open, so the visitor stays live).
    await browser.context.route('https://example.org/**', (route) =>
      route.fulfill({ body: 'partner site' }),
    );
    const [partner] = await Promise.all([
      browser.context.waitForEvent('page'),
      page.click('#outbound'),
    ]);
    await partner.close();

    // Ground truth from what the browser actually sent.
    const sent = () => beacons.flatMap((b) => b.events);
    await pollUntil(() => sent().some((e) => e.type === 'outbound'), {
      timeoutMs: 20_000,
      what: 'the outbound event',
    });
    const pageviews = sent().filter((e) => e.type === 'pageview');
    expect(pageviews.map((e) => e.url.split('?')[0])).toEqual([
      '/',
      '/products',
      '/products/lamp',
      '/products',
    ]);
    const visitor = pageviews[0]!.visitor;
    expect(new Set(sent().map((e) => e.session)).size).toBe(1);

    // Postgres (through ingest_batch) holds exactly that visit.
    const session = await pollUntil(
      async () => {
        const { rows } = await stack.db.query<{
          pageviews: number;
          entry_path: string;
          utm_source: string;
        }>('select pageviews, entry_path, utm_source from public.sessions where site_id = $1', [
          stack.site,
        ]);
        return rows.length === 1 && rows[0]!.pageviews === pageviews.length ? rows[0] : undefined;
      },
      { timeoutMs: 20_000, what: 'the session row' },
    );
    expect(session.entry_path.split('?')[0]).toBe('/');
    expect(session.utm_source).toBe('e2e');

    // The dashboard shows the same numbers, and the visitor live on the map.
    const dashboard = await browser.context.newPage();
    await dashboard.goto(
      `${stack.dashboardUrl}/?site=${stack.site}&range=today#token=${stack.token}`,
    );
    await expect
      .poll(() => dashboard.textContent('[data-testid="metric-visitors"]'), { timeout: 20_000 })
      .toBe('1');
    await expect
      .poll(() => dashboard.textContent('[data-testid="metric-visits"]'), { timeout: 20_000 })
      .toBe('1');
    await expect
      .poll(() => dashboard.textContent('[data-testid="metric-pageviews"]'), { timeout: 20_000 })
      .toBe(String(pageviews.length));
    await expect
      .poll(() => dashboard.getAttribute('[data-testid="live-map"]', 'data-visitor-ids'), {
        timeout: 20_000,
      })
      .toContain(visitor);
    // The map itself rendered (WebGL in software), not just its data.
    await expect
      .poll(() => dashboard.getAttribute('[data-testid="live-map"]', 'data-ready'), {
        timeout: 30_000,
      })
      .toBe('true');
    await dashboard.screenshot({ path: screenshotPath });
  });
});
