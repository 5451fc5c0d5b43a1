/**
 * The built dashboard in real Chromium against the real local stack (devstack: Postgres,
 * PostgREST, Realtime) with seeded traffic. Numbers on screen must equal the ground truth
 * computed from the generated sessions; a pushed broadcast must reach the screen (how fast is
 * measured with SIGHTLINE_DASHBOARD_BENCH=1, which records the samples for the benchmark).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LiveMessage } from '@sightline/schema';
import { percentile } from '@sightline/test-utils';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { firstLoad } from '../support/first-load.js';
import { startSeededStack, OTHER_SITE, SITE, type SeededStack } from '../support/stack.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
/** `pnpm bench` sets this: more latency samples, results and the screenshot written to the repo. */
const BENCH = process.env.SIGHTLINE_DASHBOARD_BENCH === '1';
const repo = (path: string): string =>
  fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

let seeded: SeededStack;
let web: StaticServer;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  seeded = await startSeededStack();
  web = await serveDist(dist, seeded.dashboardConfig);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await seeded?.stop();
});

/** Opens the dashboard in a fresh browser profile (its own localStorage), signed in by link. */
async function open(path: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${web.url}${path}#token=${token}`);
  return page;
}

const metric = (page: Page, key: string) => page.getByTestId(`metric-${key}`);

describe('reports', () => {
  it('shows the ground truth, filters on a row click and keeps it all in the URL', async () => {
    const { truth, token } = seeded;
    const page = await open(`/?site=${SITE}&range=24h`, token);
    await expect
      .poll(() => metric(page, 'visitors').textContent(), { timeout: 15_000 })
      .toBe(String(truth.visitors));
    expect(await metric(page, 'visits').textContent()).toBe(String(truth.visits));
    expect(await metric(page, 'pageviews').textContent()).toBe(String(truth.pageviews));
    expect(await metric(page, 'bounce_rate').textContent()).toBe(
      `${Math.round(truth.bounceRate * 1000) / 10}%`,
    );
    // The token left the address bar; the view did not.
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toContain(`site=${SITE}`);

    // The time series, switched to visits: its hourly buckets add up to the total.
    await page.getByRole('button', { name: /^Visits/ }).click();
    await expect
      .poll(() => page.getByTestId('timeseries').getAttribute('aria-label'))
      .toBe('Visits over time');
    const bucketVisits = await page
      .getByTestId('timeseries')
      .locator('rect.hit title')
      .evaluateAll((titles) =>
        titles.map((t) => Number(/: ([\d,]+)/.exec(t.textContent ?? '')?.[1]?.replace(/,/g, ''))),
      );
    expect(bucketVisits.length).toBe(24);
    expect(bucketVisits.reduce((a, b) => a + b, 0)).toBe(truth.visits);

    const countries = page.getByTestId('breakdown-country');
    await expect.poll(() => countries.locator('tbody tr').count()).toBe(truth.countries.size);
    const rows = await countries
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent?.trim() ?? ''),
        ),
      );
    expect(new Map(rows.map(([c, n]) => [c!, Number(n)]))).toEqual(truth.countries);

    await countries.getByRole('button', { name: 'DE', exact: true }).click();
    const de = truth.byCountry.get('DE')!;
    await expect.poll(() => metric(page, 'visitors').textContent()).toBe(String(de.visitors));
    expect(await metric(page, 'pageviews').textContent()).toBe(String(de.pageviews));
    expect(new URL(page.url()).searchParams.get('f.country')).toBe('DE');

    // A shared link reproduces the filtered view.
    // Same browser profile: the recipient has their own token stored already.
    const shared = await page.context().newPage();
    await shared.goto(page.url());
    await expect
      .poll(() => metric(shared, 'visits').textContent(), { timeout: 15_000 })
      .toBe(String(de.visits));
    await shared.close();

    // The site switcher moves everything to the other (empty) site.
    await page.getByLabel('Site').selectOption(OTHER_SITE);
    await expect.poll(() => metric(page, 'visitors').textContent()).toBe('0');
    expect(new URL(page.url()).searchParams.get('site')).toBe(OTHER_SITE);
    await page.context().close();
  });
});

describe('phone', () => {
  it('fits a phone screen without sideways scrolling', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${web.url}/?site=${SITE}&range=7d#token=${seeded.token}`);
    await expect
      .poll(() => metric(page, 'visitors').textContent(), { timeout: 15_000 })
      .toBe(String(seeded.truth.visitors));
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});

describe('access', () => {
  it('gives expired, forged and siteless tokens a clear screen', async () => {
    const expired = await seeded.mintToken(
      { site_ids: [SITE] },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    const forged = `${seeded.token.slice(0, seeded.token.lastIndexOf('.'))}.AAAA${seeded.token.slice(-20)}`;
    const siteless = await seeded.mintToken({ site_ids: [] });
    for (const [token, reason] of [
      [expired, 'expired'],
      [forged, 'rejected'],
      [siteless, 'no-sites'],
    ] as const) {
      const page = await open('/', token);
      await expect
        .poll(() => page.getByTestId('token-screen').getAttribute('data-reason'), {
          timeout: 10_000,
        })
        .toBe(reason);
      await page.context().close();
    }
  });
});

describe('live', () => {
  let seq = 1000;
  const message = (visitorsNow: number, extra: Partial<LiveMessage> = {}): LiveMessage => ({
    site: SITE,
    seq: ++seq,
    at: Date.now(),
    visitorsNow,
    full: false,
    visitors: [],
    left: [],
    events: [],
    ...extra,
  });

  it('renders the map, then shows a pushed visitor in the count, on the map and in the feed', async () => {
    const { truth, token } = seeded;
    const page = await open(`/?site=${SITE}&range=realtime`, token);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    const map = page.getByTestId('live-map');
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await expect
      .poll(() => page.getByTestId('visitors-now').textContent())
      .toBe(String(truth.liveVisitorIds.length));
    await expect.poll(() => map.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await map.getAttribute('data-markers')).toBe(String(truth.liveVisitorIds.length));
    expect(await map.locator('canvas').count()).toBeGreaterThan(0);
    // No Mapbox token configured: maplibre was loaded lazily, mapbox-gl never.
    expect(await map.getAttribute('data-renderer')).toBe('maplibre');
    expect(scripts.some((s) => /MaplibreMap/.test(s))).toBe(true);
    expect(scripts.filter((s) => /mapbox/i.test(s))).toEqual([]);

    const now = Date.now();
    const pushed = message(truth.liveVisitorIds.length + 1, {
      visitors: [
        {
          id: 'pushed-visitor',
          path: '/checkout',
          country: 'AU',
          region: 'NSW',
          city: 'Sydney',
          latitude: -33.87,
          longitude: 151.21,
          device: 'mobile',
          browser: 'Safari',
          os: 'iOS',
          referrerClass: 'social',
          engagedMs: 42_000,
          pageviews: 3,
          score: 91,
          lastSeen: now,
        },
      ],
      events: [
        {
          id: 'pushed-event',
          type: 'custom',
          visitor: 'pushed-visitor',
          path: '/checkout',
          name: 'purchase',
          country: 'AU',
          city: 'Sydney',
          at: now,
        },
      ],
    });
    // Timed inside the page (one clock): from the broadcast POST to the DOM showing both the new
    // count and the new marker in the map's source data.
    const elapsed = await page.evaluate(
      async ({ url, key, body, count }) => {
        const shown = (): boolean =>
          document.querySelector('[data-testid=visitors-now]')?.textContent === count &&
          (
            document.querySelector('[data-testid=live-map]')?.getAttribute('data-visitor-ids') ?? ''
          ).includes('pushed-visitor');
        const done = new Promise<number>((resolve) => {
          const observer = new MutationObserver(() => {
            if (shown()) {
              observer.disconnect();
              resolve(performance.now());
            }
          });
          observer.observe(document.body, {
            subtree: true,
            childList: true,
            characterData: true,
            attributes: true,
          });
        });
        const t0 = performance.now();
        const res = await fetch(`${url}/realtime/v1/api/broadcast`, {
          method: 'POST',
          headers: {
            apikey: key,
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
          },
          body,
        });
        if (res.status !== 202) throw new Error(`broadcast answered ${res.status}`);
        const timeout = new Promise<number>((resolve) =>
          setTimeout(() => resolve(Infinity), 10_000),
        );
        return (await Promise.race([done, timeout])) - t0;
      },
      {
        url: seeded.stack.url,
        key: seeded.stack.serviceRoleKey,
        body: JSON.stringify({
          messages: [{ topic: `site:${SITE}`, event: 'live', payload: pushed, private: true }],
        }),
        count: String(truth.liveVisitorIds.length + 1),
      },
    );
    // Reached the screen (a lost push resolves as Infinity after 10 s). How fast is the
    // benchmark's question (SIGHTLINE_DASHBOARD_BENCH, below), not this test's.
    expect(elapsed).toBeLessThan(Infinity);
    expect(await page.getByTestId('event-feed').locator('li').first().textContent()).toContain(
      'custom: purchase',
    );
    expect(await page.getByTestId('freshness').textContent()).toMatch(/^Last event \d+\.\d s ago$/);

    if (BENCH) {
      await mkdir(repo('docs/images'), { recursive: true });
      // For the picture only (the benchmark run), not a condition: the map's transitions finish.
      await page.waitForTimeout(500);
      await page.screenshot({ path: repo('docs/images/live-map.png') });
    }
    await page.context().close();
  });

  it('measures event-to-screen latency in the page (broadcast POST → DOM updated)', async () => {
    const page = await open(`/?site=${SITE}&range=realtime`, seeded.token);
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    // Steady state: the map has drawn its first frame (software WebGL is slow to start).
    await expect
      .poll(() => page.getByTestId('live-map').getAttribute('data-ready'), { timeout: 30_000 })
      .toBe('true');
    // Measuring: let the first frames settle, so warm-up does not count as latency.
    if (BENCH) await page.waitForTimeout(1000);
    const samples = BENCH ? 200 : 30;
    const first = ++seq;
    seq += samples;
    const latencies = await page.evaluate(
      async ({ url, key, site, n, first }) => {
        const el = document.querySelector('[data-testid=visitors-now]')!;
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const expected = String(500 + (i % 2));
          const shown = new Promise<number>((resolve) => {
            const observer = new MutationObserver(() => {
              if (el.textContent === expected) {
                observer.disconnect();
                resolve(performance.now());
              }
            });
            observer.observe(el, { childList: true, characterData: true, subtree: true });
            // A lost push: Infinity rather than a hang.
            setTimeout(() => {
              observer.disconnect();
              resolve(Infinity);
            }, 10_000);
          });
          const payload = {
            site,
            seq: first + i,
            at: Date.now(),
            visitorsNow: 500 + (i % 2),
            full: false,
            visitors: [],
            left: [],
            events: [],
          };
          const t0 = performance.now();
          void fetch(`${url}/realtime/v1/api/broadcast`, {
            method: 'POST',
            headers: {
              apikey: key,
              authorization: `Bearer ${key}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              messages: [{ topic: `site:${site}`, event: 'live', payload, private: true }],
            }),
          });
          out.push((await shown) - t0);
          // Pacing between samples (each push's arrival is awaited above): not a condition.
          await new Promise((r) => setTimeout(r, 10));
        }
        return out;
      },
      { url: seeded.stack.url, key: seeded.stack.serviceRoleKey, site: SITE, n: samples, first },
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    const [p50, p95] = [percentile(sorted, 50), percentile(sorted, 95)];
    console.info(
      `event-to-screen latency over ${samples} broadcasts: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
      latencies.map((l) => Math.round(l)).join(' '),
    );
    // Every push reached the screen. The target (p95 ≤ 100 ms) is judged by the benchmark run
    // (SIGHTLINE_DASHBOARD_BENCH) on its recorded samples, not by a timed test on a shared machine.
    expect(latencies.filter((l) => !Number.isFinite(l))).toEqual([]);
    if (BENCH) {
      const load = firstLoad(dist);
      await mkdir(repo('bench/results/dashboard'), { recursive: true });
      await writeFile(
        repo('bench/results/dashboard/results.json'),
        `${JSON.stringify(
          {
            measuredAt: new Date().toISOString(),
            machine: 'local devstack, headless Chromium (software WebGL), 2 cores',
            eventToScreenMs: {
              samples,
              p50: Math.round(p50 * 10) / 10,
              p95: Math.round(p95 * 10) / 10,
              max: Math.round(sorted[sorted.length - 1]! * 10) / 10,
            },
            firstLoad: { jsGzipBytes: load.jsGzip, cssGzipBytes: load.cssGzip, files: load.files },
          },
          null,
          2,
        )}\n`,
      );
    }
    await page.context().close();
  });

  it('keeps the site watched through its pass renewals while the live view is open, and shows the snapshot they answer', async () => {
    // A recorder on 127.0.0.1 plays the Worker's POST /v1/live-pass (same CORS and answer shape:
    // a pass and, asked for a site, `watch` with every shard's snapshot; the route itself is
    // tested against workerd in e2e/ and under Miniflare in apps/ingest). Its pass is not one
    // Realtime admits (this test is about the watch, not the channel); renewMs is short so the
    // renewal shows within the test.
    const calls: { url: string; authorization: string | undefined; body: string }[] = [];
    const renewMs = 1_000;
    const worker = createServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
        res.setHeader('access-control-allow-headers', 'authorization, content-type');
        res.writeHead(204).end();
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        calls.push({ url: req.url!, authorization: req.headers.authorization, body });
        const snapshot = message(777, { seq: 1, full: true });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            token: 'not-a-realtime-pass',
            expiresAt: Date.now() + 60_000,
            watch: { site: SITE, watchMs: 75_000, renewMs, messages: [snapshot] },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    const ingestUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
    const watched = await serveDist(dist, { ...seeded.dashboardConfig, ingestUrl });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${watched.url}/?site=${SITE}&range=realtime#token=${seeded.token}`);
      await expect.poll(() => page.getByTestId('visitors-now').textContent()).toBe('777');
      await expect.poll(() => calls.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(calls[0]).toEqual({
        url: '/v1/live-pass',
        authorization: `Bearer ${seeded.token}`,
        body: JSON.stringify({ site: SITE }),
      });
      // Leaving the page ends the watch: no renewal after the context closes. Absence needs a
      // window: two and a half renewal periods, in which an open page would renew twice (one
      // renewal already in flight at the close may still land).
      await context.close();
      const after = calls.length;
      await new Promise((r) => setTimeout(r, renewMs * 2.5));
      expect(calls.length).toBeLessThanOrEqual(after + 1);
    } finally {
      await watched.close();
      worker.closeAllConnections();
      await new Promise((resolve) => worker.close(resolve));
    }
  });
});

describe('page health', () => {
  it('threw no uncaught errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
