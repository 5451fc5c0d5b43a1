/**
 * Browser scenarios 20–25: ids in storage with the 365-day visitor expiry, two tabs, the
 * opt-out flag and API (`optIn()` only in the full build), Global Privacy Control /
 * Do-Not-Track (honoured by default), and the default exclusion of local hosts and automated
 * browsers.
 */
import type { Event } from '@sightline/schema';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, FULL, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await h.close();
});

const DAY = 24 * 60 * 60 * 1000;
const storageOf = (page: Page) =>
  page.evaluate(() => ({
    session: sessionStorage.getItem('sightline:session'),
    visitor: localStorage.getItem('sightline:visitor'),
  }));

/**
 * The script ran (window.sightline exists). Whether it then sent nothing is shown by a sentinel
 * after it: a later page's beacon, or `h.settle` once the tracker may send.
 */
async function started(page: Page) {
  await page.waitForFunction(() => typeof window.sightline === 'function');
}

describe('identity', () => {
  it('20 session id in sessionStorage, visitor id in localStorage expiring in 365 days, renewed', async () => {
    const site = 's20';
    const { context, page } = await h.open();
    const before = Date.now();
    await page.goto(h.pageUrl('/s20/a', { attrs: base(site) }));
    const [first] = await h.waitFor(site, (e) => e.length === 1);
    const stored = await storageOf(page);
    expect(stored.session).toBe(first!.session);
    const [visitor, expiry] = stored.visitor!.split('.');
    expect(visitor).toBe(first!.visitor);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 365 * DAY);
    expect(Number(expiry)).toBeLessThanOrEqual(Date.now() + 365 * DAY);

    // The renewed expiry must be later: let the page's clock pass the millisecond of the first.
    await page.waitForFunction((at) => Date.now() > at, Number(expiry) - 365 * DAY);
    await page.reload();
    const pageviews = (e: Event[]) => e.filter((x) => x.type === 'pageview');
    const events = await h.waitFor(site, (e) => pageviews(e).length === 2);
    const second = pageviews(events)[1]!;
    expect([second.session, second.visitor]).toEqual([first!.session, first!.visitor]);
    const renewed = Number((await storageOf(page)).visitor!.split('.')[1]);
    expect(renewed).toBeGreaterThan(Number(expiry));
    await context.close();
  });

  it('21 an expired or tampered visitor id is replaced', async () => {
    const site = 's21';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s21/a', { attrs: base(site) }));
    const [first] = await h.waitFor(site, (e) => e.length === 1);
    await page.evaluate(
      (old) => localStorage.setItem('sightline:visitor', `${old}.${Date.now() - 1}`),
      first!.visitor,
    );
    const pageviews = (e: Event[]) => e.filter((x) => x.type === 'pageview');
    await page.reload();
    const [, second] = pageviews(await h.waitFor(site, (e) => pageviews(e).length === 2));
    expect(second!.visitor).not.toBe(first!.visitor);
    expect(second!.session).toBe(first!.session); // same tab, same session
    await page.evaluate(() => {
      localStorage.setItem('sightline:visitor', `<script>.${Date.now() + 1e9}`);
      sessionStorage.setItem('sightline:session', 'x');
    });
    await page.reload();
    const [, , third] = pageviews(await h.waitFor(site, (e) => pageviews(e).length === 3));
    expect(third!.visitor).toMatch(/^[\w-]{8,64}$/);
    expect(third!.session).toMatch(/^[\w-]{8,64}$/);
    await context.close();
  });

  it('22 two tabs: one visitor, two sessions', async () => {
    const site = 's22';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s22/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    const second = await context.newPage();
    await second.goto(h.pageUrl('/s22/b', { attrs: base(site) }));
    const events = await h.waitFor(site, (e) => e.length === 2);
    expect(new Set(events.map((e) => e.visitor)).size).toBe(1);
    expect(new Set(events.map((e) => e.session)).size).toBe(2);
    // Another browser profile (context) is another visitor.
    const { context: other, page: third } = await h.open();
    await third.goto(h.pageUrl('/s22/c', { attrs: base(site) }));
    const all = await h.waitFor(site, (e) => e.length === 3);
    expect(new Set(all.map((e) => e.visitor)).size).toBe(2);
    await context.close();
    await other.close();
  });
});

describe('respect', () => {
  it('23 opt-out: the localStorage flag silences everything; optOut()/optIn() switch it', async () => {
    const site = 's23';
    const { context, page, errors } = await h.open();
    h.pageUrl('/s23/b', { attrs: base(site) });
    await page.goto(h.pageUrl('/s23/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    await page.evaluate(() => window.sightline!.optOut());
    expect(await page.evaluate(() => localStorage.getItem('sightline:ignore'))).toBe('1');
    await page.evaluate(() => {
      window.sightline!('track', 'while-out');
      history.pushState({}, '', '/s23/b');
    });
    await page.reload(); // the flag persists across loads
    await started(page);

    // Both forms: the command and the method.
    const optInAt = await page.evaluate(() => Date.now());
    await page.evaluate(() => window.sightline!('optIn'));
    await page.evaluate(() => window.sightline!.optIn());
    if (FULL) {
      // optIn() clears the flag and counts the current page: counted by it (not by the
      // opted-out load), and the second event of all (nothing from the opted-out loads).
      const events = await h.waitFor(site, (e) => e.length === 2);
      expect(events[1]).toMatchObject({ type: 'pageview', url: '/s23/b' });
      expect(events[1]!.ts).toBeGreaterThanOrEqual(optInAt);
      expect(await page.evaluate(() => localStorage.getItem('sightline:ignore'))).toBeNull();
      expect(await h.settle(page, site)).toHaveLength(2);
    } else {
      // The core build has no optIn(): a no-op, the visitor stays opted out.
      expect(await page.evaluate(() => localStorage.getItem('sightline:ignore'))).toBe('1');
      // The sentinel needs a tracker that sends: the flag lifted by hand, as clearing the site's
      // data would. Only the first load's page view came before it.
      await page.evaluate(() => localStorage.removeItem('sightline:ignore'));
      expect((await h.settle(page, site)).map((e) => e.type)).toEqual(['pageview']);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('24 Global Privacy Control and Do-Not-Track are honoured by default; data-respect-dnt="false" opts out', async () => {
    // Debian's Chromium sends neither signal by default and has no GPC at all: both are
    // defined before any page script runs (the one place this suite sets a browser property).
    for (const [signal, init] of [
      ['dnt', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })],
      [
        'gpc',
        () =>
          Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
      ],
    ] as const) {
      const { context, page, errors } = await h.open();
      await context.addInitScript(init);
      await page.goto(h.pageUrl(`/s24/${signal}`, { attrs: base(`s24-${signal}-default`) }));
      await started(page);
      await page.goto(
        h.pageUrl(`/s24/${signal}-bare`, {
          attrs: base(`s24-${signal}-bare`, { 'respect-dnt': true }),
        }),
      );
      await started(page);
      // The page can still call the API: it is a no-op, not an error.
      await page.evaluate(() => window.sightline!('track', 'ignored'));
      await page.goto(
        h.pageUrl(`/s24/${signal}-counted`, {
          attrs: base(`s24-${signal}-counted`, { 'respect-dnt': 'false' }),
        }),
      );
      // The counted page's view is the sentinel: a beacon of the silent pages would have gone
      // out when they were left, before it.
      await h.waitFor(`s24-${signal}-counted`, (e) => e.length === 1);
      expect(h.events(`s24-${signal}-default`)).toEqual([]);
      expect(h.events(`s24-${signal}-bare`)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('25 local hosts and automated browsers are excluded unless allowed', async () => {
    const { context, page } = await h.open();
    const only = (site: string, attrs: Record<string, string | true>) => ({
      site,
      'flush-ms': '50',
      ...attrs,
    });
    await page.goto(h.pageUrl('/s25/none', { attrs: only('s25-none', {}) }));
    await started(page);
    await page.goto(
      h.pageUrl('/s25/local', { attrs: only('s25-local', { 'allow-localhost': true }) }),
    );
    await started(page);
    await page.goto(
      h.pageUrl('/s25/automated', { attrs: only('s25-auto', { 'allow-automated': true }) }),
    );
    await started(page);
    await page.goto(
      h.pageUrl('/s25/both', {
        attrs: only('s25-both', { 'allow-localhost': true, 'allow-automated': 'true' }),
      }),
    );
    // The sentinel for the three pages before it (their beacons would have gone out first).
    const [event] = await h.waitFor('s25-both', (e: Event[]) => e.length === 1);
    expect(event!.url).toBe('/s25/both');
    expect(h.captured.find((c) => c.batch.site === 's25-both')!.batch.automated).toBe(true);
    expect(['s25-none', 's25-local', 's25-auto'].map((s) => h.events(s).length)).toEqual([0, 0, 0]);
    await context.close();
  });
});
