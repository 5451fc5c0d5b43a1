/**
 * Hostile text on screen, in real Chromium against the real stack: paths, referrers, cities,
 * regions, campaigns and event names with markup, bidi overrides and very long strings render
 * as text — escaped, cut, bidi-isolated — in the reports, the live top lists, the live feed and
 * the map tooltip, and nothing they carry runs.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PostgrestClient } from '@sightline/postgrest';
import type { LiveMessage } from '@sightline/schema';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_MAX } from '../../src/lib/display-text.js';
import { launchChromium } from '../support/browser.js';
import { HOSTILE, HOSTILE_VISITOR, hostileBatch } from '../support/hostile-seed.js';
import { startSeededStack, OTHER_SITE, type SeededStack } from '../support/stack.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
/** `SIGHTLINE_SCREENSHOTS=1` writes docs/images/hostile-text.png. */
const SCREENSHOT = process.env.SIGHTLINE_SCREENSHOTS === '1';
const repo = (path: string): string =>
  fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

let seeded: SeededStack;
let web: StaticServer;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  seeded = await startSeededStack();
  const key = seeded.stack.secretKey;
  const admin = new PostgrestClient(`${seeded.stack.url}/rest/v1`, {
    headers: { apikey: key, Authorization: `Bearer ${key}` },
  });
  const { error } = await admin.rpc('ingest_batch', {
    payload: hostileBatch(OTHER_SITE, Date.now()),
  });
  if (error) throw new Error(`seeding hostile rows: ${error.message}`);
  web = await serveDist(dist, seeded.dashboardConfig);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await seeded?.stop();
});

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    pageErrors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${web.url}${path}#token=${seeded.token}`);
  return page;
}

/** Nothing the hostile text carried became an element or ran. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(
    await page.locator('#root img, #root script, #root svg[onload], #root b, #root i').count(),
  ).toBe(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The texts of a breakdown card's first column. */
const firstColumn = (page: Page, dimension: string) =>
  page
    .getByTestId(`breakdown-${dimension}`)
    .locator('tbody tr td:first-child')
    .evaluateAll((tds) =>
      tds.map((td) => ({
        text: td.textContent ?? '',
        isolated: td.querySelector('bdi[dir=auto]') !== null,
      })),
    );

describe('hostile text', () => {
  it('renders as text, cut and isolated, in every report', async () => {
    const page = await open(`/?site=${OTHER_SITE}&range=24h`);
    await expect.poll(() => page.getByTestId('breakdown-page').locator('tbody tr').count()).toBe(3);
    const pages = await firstColumn(page, 'page');
    expect(pages.every((p) => p.isolated)).toBe(true);
    const texts = pages.map((p) => p.text);
    expect(texts).toContain(HOSTILE.path);
    // The right-to-left override is gone: the path reads as stored, not reversed.
    expect(texts).toContain('/admingnp.exe');
    const long = texts.find((t) => t.startsWith('/very-long-path-'))!;
    expect(Array.from(long)).toHaveLength(DISPLAY_MAX);
    expect(long.endsWith('…')).toBe(true);
    // The whole is one hover away.
    expect(
      await page.getByTestId('breakdown-page').locator('bdi[title]').first().getAttribute('title'),
    ).toBe(HOSTILE.long);

    for (const [tab, dimension, expected] of [
      ['Referrers', 'referrer', HOSTILE.referrer],
      ['Cities', 'city', HOSTILE.city],
      ['Regions', 'region', 'evil region'],
      ['UTM campaign', 'utm_campaign', `<b>${'x'.repeat(DISPLAY_MAX - 4)}…`],
      ['Custom events', 'event', HOSTILE.event],
    ] as const) {
      const tabButton = page.getByRole('tab', { name: tab, exact: true });
      if (await tabButton.count()) await tabButton.click();
      await expect
        .poll(async () => (await firstColumn(page, dimension)).map((c) => c.text))
        .toEqual([expected]);
    }

    // A filter chip shows the value as text too.
    await page
      .getByTestId('breakdown-page')
      .getByRole('button', { name: HOSTILE.path, exact: true })
      .click();
    await expect.poll(() => page.getByLabel('Filters').textContent()).toContain(HOSTILE.path);
    await expectInert(page);
    await page.context().close();
  });

  it('renders as text in the live top lists, the live feed and the map tooltip', async () => {
    const page = await open(`/?site=${OTHER_SITE}&range=realtime`);
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    const map = page.getByTestId('live-map');
    await expect.poll(() => map.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => map.getAttribute('data-visitor-ids')).toBe(HOSTILE_VISITOR);

    const message: LiveMessage = {
      site: OTHER_SITE,
      seq: 1,
      at: Date.now(),
      visitorsNow: 1,
      full: false,
      visitors: [],
      left: [],
      events: [
        {
          id: 'hostile-live',
          type: 'custom',
          visitor: HOSTILE_VISITOR,
          path: HOSTILE.path,
          name: `${HOSTILE.event}\u202e${'y'.repeat(300)}`,
          country: 'DE',
          city: HOSTILE.city,
          at: Date.now(),
        },
      ],
    };
    const res = await fetch(`${seeded.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: {
        apikey: seeded.stack.secretKey,
        authorization: `Bearer ${seeded.stack.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        messages: [{ topic: `site:${OTHER_SITE}`, event: 'live', payload: message, private: true }],
      }),
    });
    expect(res.status).toBe(202);
    const entry = page.getByTestId('event-feed').locator('li').first();
    await expect.poll(() => entry.locator('.what').textContent()).toContain(HOSTILE.event);
    const what = (await entry.locator('.what bdi').textContent()) ?? '';
    expect(what.includes('\u202e')).toBe(false);
    expect(Array.from(what)).toHaveLength(DISPLAY_MAX);
    expect(await entry.locator('.where').textContent()).toBe(`${HOSTILE.city}, DE`);

    const pagesNow = page.getByRole('region', { name: 'Pages now' });
    expect(await pagesNow.locator('td').first().textContent()).toBe(HOSTILE.path);
    const citiesNow = page.getByRole('region', { name: 'Cities now' });
    expect(await citiesNow.locator('td').first().textContent()).toBe(HOSTILE.city);

    // The only visitor sits at the map's initial centre: hover it for its tooltip.
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('.map-tooltip');
    await expect.poll(() => tooltip.count(), { timeout: 10_000 }).toBe(1);
    expect(await tooltip.locator('strong').textContent()).toBe(HOSTILE.path);
    expect(await tooltip.textContent()).toContain(`${HOSTILE.city}, DE`);
    await expectInert(page);

    if (SCREENSHOT) {
      await mkdir(repo('docs/images'), { recursive: true });
      await page.screenshot({ path: repo('docs/images/hostile-text.png') });
    }
    await page.context().close();
  });

  it('threw no uncaught errors and opened no dialog', () => {
    expect(pageErrors).toEqual([]);
  });
});
