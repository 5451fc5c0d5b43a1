/**
 * Browser scenarios 10–14: heartbeat cadence and idle pause (Playwright's fake clock, so 75 s
 * of page time take no wall-clock time), hidden pages, scroll depth and interactions, flush on
 * tab close, and web vitals (the last two measures only in the full build).
 */
import type { Event, HeartbeatEvent, VitalsEvent } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, FULL, setHidden, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await h.close();
});

const beats = (events: Event[]) =>
  events.filter((e): e is HeartbeatEvent => e.type === 'heartbeat');
const summary = (events: Event[]) =>
  beats(events).map((b) => [b.url, b.engagedMs, b.scroll, b.interactions, b.final ?? false]);

describe('engagement', () => {
  it('10 heartbeats every heartbeatMs (15 s here) while active, none once idle for 30 s, again after input', async () => {
    const site = 's10';
    const { context, page, errors } = await h.open();
    await page.clock.install();
    await page.goto(h.pageUrl('/s10/article', { attrs: base(site, { 'heartbeat-ms': '15000' }) }));
    const [pageview] = await h.waitFor(site, (e) => e.length === 1);
    // Freeze page time a little after the script started; from here it moves only by runFor.
    await page.clock.pauseAt(pageview!.ts + 1_000);
    const frozenAt = await page.evaluate(() => Date.now());

    await page.clock.runFor(15_000); // beat 1 at start + 15 s
    await page.clock.runFor(15_000); // beat 2 at start + 30 s (active until then)
    await page.clock.runFor(15_000); // start + 45 s: idle, no beat
    await h.waitFor(site, (e) => beats(e).length === 2);
    // Scroll depth: the viewport's share of the tall page (the core build measures none: it
    // sends null, which the schema expands to no `scroll` at all).
    const depth = FULL ? 18 : undefined;
    expect(summary(h.events(site))).toEqual([
      ['/s10/article', 15_000, depth, 0, false],
      ['/s10/article', 15_000, depth, 0, false],
    ]);

    const clickedAt = frozenAt + 45_000;
    await page.mouse.click(400, 500); // active again, one interaction
    await page.clock.runFor(15_000); // beat at start + 60 s
    const events = await h.waitFor(site, (e) => beats(e).length === 3);
    const last = beats(events)[2]!;
    const expected = pageview!.ts + 60_000 - clickedAt;
    // Within the few ms between the script's start and its first pageview.
    expect(Math.abs(last.engagedMs - expected)).toBeLessThan(100);
    expect(last.interactions).toBe(1);
    await page.clock.runFor(60_000); // two more beats until click + 30 s, then idle: nothing
    const after = beats(await h.settle(page, site)).slice(2);
    expect(after).toHaveLength(3);
    // Exactly the 30 s the click kept the user active, split over the beats that followed it.
    expect(after.reduce((sum, b) => sum + b.engagedMs, 0)).toBe(30_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('11 hiding sends a final heartbeat at once; nothing while hidden; shown again, a presence beat at once, then beats', async () => {
    const site = 's11';
    const { context, page } = await h.open();
    await page.clock.install();
    await page.goto(h.pageUrl('/s11/page', { attrs: base(site) }));
    const [pageview] = await h.waitFor(site, (e) => e.length === 1);
    await page.clock.pauseAt(pageview!.ts + 1_000);
    await page.clock.runFor(5_000); // start + 6 s
    await setHidden(page, true); // the final beat goes out now, without waiting for a timer
    const [, final] = await h.waitFor(site, (e) => e.length === 2);
    expect(final).toMatchObject({ type: 'heartbeat', final: true });
    // 6 s since the pageview, plus the few ms the script spent before sending it.
    expect((final as HeartbeatEvent).engagedMs - 6_000).toBeGreaterThanOrEqual(0);
    expect((final as HeartbeatEvent).engagedMs - 6_000).toBeLessThan(100);
    await page.clock.runFor(120_000);
    expect(await h.settle(page, site)).toHaveLength(2);

    const shownAt = await page.evaluate(() => Date.now());
    await setHidden(page, false);
    await page.clock.runFor(100); // the batch goes out after flushMs (50 ms here)
    // Back in visitors-now without waiting for the next heartbeat (two minutes by default).
    const [, presence] = beats(await h.waitFor(site, (e) => beats(e).length === 2));
    expect(presence).toMatchObject({ engagedMs: 0, interactions: 0, ts: shownAt });
    expect(presence!.final).toBeUndefined();
    await page.clock.runFor(119_900); // past the next default heartbeat (every 120 s from the start)
    const events = await h.waitFor(site, (e) => beats(e).length >= 3);
    const resumed = beats(await h.settle(page, site)).slice(2);
    expect(resumed).toHaveLength(1);
    expect(resumed.every((b) => !b.final && b.engagedMs > 0)).toBe(true);
    // Engaged time never counts the hidden two minutes: the 6 s before, the 30 s of activity
    // that showing the page starts, and the few ms before the clock was paused.
    const total = beats(events).reduce((sum, b) => sum + b.engagedMs, 0);
    expect(total - (6_000 + 30_000)).toBeGreaterThanOrEqual(0);
    expect(total - (6_000 + 30_000)).toBeLessThan(100);
    await context.close();
  });

  it('12 scroll depth (core build: not measured, no scroll) and interactions per page view; an SPA navigation starts a new one', async () => {
    const site = 's12';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s12/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    const viewport = await page.evaluate(() => innerHeight);
    const target = 2_000 - viewport; // bottom of the viewport at 2000 of 4000 px: 50 %
    await page.evaluate((y) => scrollTo(0, y), target);
    await page.waitForFunction((y) => scrollY === y, target);
    await page.evaluate(() => scrollTo(0, 0)); // the deepest point counts, not the last
    await page.mouse.click(400, 500);
    await page.mouse.click(400, 500);
    await page.keyboard.press('a');
    await setHidden(page, true);
    await h.waitFor(site, (e) => beats(e).length === 1);
    await setHidden(page, false);
    await page.evaluate(() => history.pushState({}, '', '/s12/b'));
    await page.keyboard.press('b');
    await setHidden(page, true);
    const events = await h.waitFor(site, (e) => beats(e).some((b) => b.url === '/s12/b'));
    const top = FULL ? Math.round((viewport / 4_000) * 100) : undefined;
    const half = FULL ? 50 : undefined;
    expect(beats(events).map((b) => [b.url, b.scroll, b.interactions, b.final ?? false])).toEqual([
      ['/s12/a', half, 3, true],
      // closing /s12/a's page view on navigation, if anything happened since the final beat
      ...beats(events)
        .filter((b) => b.url === '/s12/a' && !b.final)
        .map(() => ['/s12/a', half, 0, false]),
      ['/s12/b', top, 1, true],
    ]);
    await context.close();
  });

  it('13 closing the tab flushes what is queued, with the final heartbeat, in one beacon', async () => {
    const site = 's13';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s13/page', { attrs: { ...base(site), 'flush-ms': '60000' } }));
    // Still queued (flushMs is a minute): the one batch below, sent on close, carries it.
    await page.evaluate(() => window.sightline!('track', 'about-to-leave'));
    await page.close({ runBeforeUnload: true });
    const events = await h.waitFor(site, (e) => e.length === 3);
    expect(events.map((e) => e.type)).toEqual(['pageview', 'custom', 'heartbeat']);
    expect(events[2]).toMatchObject({ final: true });
    const batches = h.captured.filter((c) => c.batch.site === site);
    expect(batches).toHaveLength(1);
    // On the wire: type codes 0, 2, 1 with sequence numbers 0, 1, 2 of one page load, whose id
    // prefixes every expanded event id.
    const raw = batches[0]!.raw as { p: string; e: [number, number][] };
    expect(raw.e.map(([code, sequence]) => [code, sequence])).toEqual([
      [0, 0],
      [2, 1],
      [1, 2],
    ]);
    expect(events.map((e) => e.id)).toEqual([0, 1, 2].map((n) => `${raw.p}-${n}`));
    await context.close();
  });

  it('14 web vitals (data-vitals, loaded as /s.vitals.js): one report when the page is first hidden (core build: none)', async () => {
    const site = 's14';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s14/page', { attrs: base(site, { vitals: true }) }));
    // On a loaded machine the first paint can come after load: hide only once it exists, as a
    // person would only leave a page they have seen.
    await page.waitForFunction(
      () => performance.getEntriesByName('first-contentful-paint').length > 0,
    );
    // The full build loads the vitals code next to itself; the core build never does.
    if (FULL) await page.waitForFunction(() => typeof window.sightline?.v === 'function');
    else await h.waitFor(site, (e) => e.length === 1);
    expect(h.requested.filter((p) => p === '/s.vitals.js')).toHaveLength(FULL ? 1 : 0);
    await page.mouse.click(400, 500);
    await setHidden(page, true);
    await setHidden(page, false);
    await setHidden(page, true);
    // Two hides: two final heartbeats (each sent with what was queued before it).
    const events = await h.waitFor(site, (e) => beats(e).filter((b) => b.final).length === 2);
    const settled = await h.settle(page, site);
    const vitals = settled.filter((e): e is VitalsEvent => e.type === 'vitals');
    if (!FULL) {
      expect(vitals).toEqual([]);
      await context.close();
      return;
    }
    expect(vitals).toHaveLength(1);
    expect(vitals[0]!.ttfb).toBeGreaterThanOrEqual(0);
    expect(vitals[0]!.fcp).toBeGreaterThan(0);
    expect(vitals[0]!.cls).toBeDefined();
    expect(events.filter((e) => e.type === 'vitals')).toHaveLength(1);
    // Off by default: not even loaded.
    await page.goto(h.pageUrl('/s14/off', { attrs: base('s14-off') }));
    await setHidden(page, true);
    await h.waitFor('s14-off', (e) => e.some((x) => x.type === 'heartbeat'));
    expect(h.events('s14-off').some((e) => e.type === 'vitals')).toBe(false);
    expect(h.requested.filter((p) => p === '/s.vitals.js')).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
