/**
 * Browser scenarios 30–35: outbound and download clicks (and opting out of them; the core build
 * sends none), sendBeacon with retries when the browser refuses one, and batch bounds.
 */
import type { Event } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, FULL, startHarness, watchSends, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await h.close();
});

const targets = (events: Event[]) =>
  events.flatMap((e) => ('target' in e ? [[e.type, e.target]] : []));

/** Keep link clicks on the page (the tracker's capturing listener still sees them). */
const stayOnPage = () => addEventListener('click', (e) => e.preventDefault(), { capture: false });

describe('links', () => {
  it('30 outbound and download clicks are sent; internal links and right clicks are not (core build: none)', async () => {
    const site = 's30';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s30/a', { attrs: base(site) }));
    await page.evaluate(stayOnPage);
    await page.click('#internal');
    await page.click('#pdf');
    await page.click('#dl');
    await page.click('#out', { button: 'right' });
    await page.click('#out', { button: 'middle' });
    await page.click('#out');
    await page.evaluate(() => window.sightline!('track', 'sentinel'));
    const events = await h.waitFor(site, (e) => e.some((x) => x.type === 'custom'));
    expect(targets(events)).toEqual(
      FULL
        ? [
            ['download', `${h.origin}/files/report.pdf`],
            ['download', `${h.origin}/export`],
            ['outbound', 'https://example.com/pricing?x=1'],
            ['outbound', 'https://example.com/pricing?x=1'],
          ]
        : [],
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('31 an outbound click that leaves the page still arrives (flushed when the page hides)', async () => {
    const site = 's31';
    const { context, page } = await h.open();
    await context.route('https://example.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>elsewhere</title>' }),
    );
    await page.goto(h.pageUrl('/s31/a', { attrs: { ...base(site), 'flush-ms': '60000' } }));
    await page.click('#out');
    await page.waitForURL('https://example.com/**');
    const events = await h.waitFor(site, (e) => e.some((x) => x.type === 'heartbeat'));
    expect(events.map((e) => e.type)).toEqual(
      FULL ? ['pageview', 'outbound', 'heartbeat'] : ['pageview', 'heartbeat'],
    );
    await context.close();
  });

  it('32 data-auto-outbound="false" and data-auto-downloads="false" turn them off', async () => {
    const site = 's32';
    const { context, page } = await h.open();
    await page.goto(
      h.pageUrl('/s32/a', {
        attrs: base(site, { 'auto-outbound': 'false', 'auto-downloads': 'false' }),
      }),
    );
    await page.evaluate(stayOnPage);
    await page.click('#pdf');
    await page.click('#out');
    await page.evaluate(() => window.sightline!('track', 'sentinel'));
    const events = await h.waitFor(site, (e) => e.some((x) => x.type === 'custom'));
    expect(targets(events)).toEqual([]);
    await context.close();
  });
});

describe('transport', () => {
  it('33 sendBeacon, never fetch: a refused beacon is tried again with backoff until accepted', async () => {
    const site = 's33';
    const { context, page } = await h.open();
    const sends = await watchSends(page);
    await page.goto(h.pageUrl('/s33/beacon', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    await expect.poll(() => [...sends]).toEqual(['Ping']);

    // The browser refuses the next two beacons (over its budget for data in flight, or a
    // blocker), then accepts again.
    await page.evaluate(() => {
      const send = navigator.sendBeacon.bind(navigator);
      const w = window as unknown as { attempts: number[] };
      w.attempts = [];
      navigator.sendBeacon = (url, body) => {
        w.attempts.push(performance.now());
        return w.attempts.length > 2 && send(url, body);
      };
    });
    await page.evaluate(() => window.sightline!('track', 'after-refusals'));
    const events = await h.waitFor(site, (e) => e.length === 2);
    expect(events[1]).toMatchObject({ type: 'custom', name: 'after-refusals' });
    const attempts = await page.evaluate(
      () => (window as unknown as { attempts: number[] }).attempts,
    );
    expect(attempts).toHaveLength(3);
    // flushMs is 50: retries 100 ms, then 200 ms after the refusal before them.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(95);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(195);
    await expect.poll(() => [...sends]).toEqual(['Ping', 'Ping']);
    const batch = h.captured.filter((c) => c.batch.site === site)[1]!;
    expect(batch.contentType).toBe('text/plain;charset=UTF-8');
    await context.close();
  });

  it('34 events queued while beacons are refused wait, in order, and arrive once', async () => {
    const site = 's34';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s34/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    // Beacons refused until the page says otherwise; the refusals are counted.
    type Page34 = { refuse: boolean; refused: number; send: Navigator['sendBeacon'] };
    await page.evaluate(() => {
      const w = window as unknown as Page34;
      w.send = navigator.sendBeacon.bind(navigator);
      w.refuse = true;
      w.refused = 0;
      navigator.sendBeacon = (url, body) => (w.refuse ? !++w.refused : w.send(url, body));
      window.sightline!('track', 'first');
    });
    const refused = (n: number) =>
      page.waitForFunction((at) => (window as unknown as Page34).refused >= at, n);
    await refused(2); // sent, refused, tried again and refused again
    await page.evaluate(() => window.sightline!('track', 'second'));
    await refused(3); // the next try carries both
    expect(h.events(site)).toHaveLength(1);
    await page.evaluate(() => {
      (window as unknown as Page34).refuse = false;
      window.sightline!('track', 'third');
    });
    const events = await h.waitFor(site, (e) => e.length === 4);
    expect(events.slice(1).map((e) => (e.type === 'custom' ? e.name : e.type))).toEqual([
      'first',
      'second',
      'third',
    ]);
    const settled = await h.settle(page, site);
    expect(new Set(settled.map((e) => e.id)).size).toBe(4);
    expect(settled).toHaveLength(4);
    await context.close();
  });

  it('35 batches hold at most 50 events and fit the 16 KB body cap; a burst over the browser quota is retried', async () => {
    const site = 's35';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s35/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    await page.evaluate(() => {
      for (let i = 0; i < 120; i++) window.sightline!('track', 'burst', { i });
      const big: Record<string, string> = {};
      // 12 KB of UTF-8 each: six of them exceed Chromium's 64 KB in-flight keepalive budget.
      for (let i = 0; i < 20; i++) big[`key${i}`] = '€'.repeat(200);
      for (let i = 0; i < 6; i++) window.sightline!('track', 'big', big);
    });
    const events = await h.waitFor(site, (e) => e.length === 127, 15_000);
    const batches = h.captured.filter((c) => c.batch.site === site);
    expect(Math.max(...batches.map((b) => b.batch.events.length))).toBeLessThanOrEqual(50);
    for (const b of batches) expect(b.bytes).toBeLessThanOrEqual(16 * 1024);
    const burst = events.filter((e) => e.type === 'custom' && e.name === 'burst');
    expect(
      burst.map((e) => (e.type === 'custom' ? Number(e.props?.i) : -1)).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(new Set(events.map((e) => e.id)).size).toBe(127);
    await context.close();
  });
});
