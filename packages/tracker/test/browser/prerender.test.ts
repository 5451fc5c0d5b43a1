/**
 * Browser scenario 40: Speculation Rules prerendering. A prerendered page runs its scripts, the
 * tracker's included, before anyone sees it; it must count only once shown, with engagement
 * from then, and a page prerendered and never shown must send nothing.
 *
 * Chromium prerenders only without a DevTools client lacking tab-target support attached to
 * the page that asks for it (Playwright's is such a client: its pages report
 * "PrerenderingDisabledByDevTools"), so this file starts Chromium as a plain process on the
 * start page and drives it through the harness: the pages report through GET /probe
 * (test/pages/prerender-probe.js) and navigate when GET /control tells them to
 * (test/pages/control.js). Nothing is simulated: the prerendering and the activation are
 * Chromium's own.
 */
import type { CustomEvent, HeartbeatEvent } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, FULL, launchBare, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ launch: false });
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await h.close();
});

const probe = ['/pages/prerender-probe.js', '/pages/control.js'];

describe('prerendering', () => {
  it('40 a prerendered page counts once shown, engaged from then; one never shown sends nothing', async () => {
    const start = h.pageUrl('/s40/start', {
      attrs: base('s40-start'),
      after: ['/pages/control.js'],
      prerender: ['/s40/shown', '/s40/never'],
    });
    // The shown page also has calls queued by the stub before the tracker loaded.
    h.pageUrl('/s40/shown', { attrs: base('s40'), stub: true, after: probe, title: 'Shown' });
    h.pageUrl('/s40/never', { attrs: base('s40-never'), after: probe });
    h.pageUrl('/s40/after', { attrs: base('s40-after') });

    const chromium = await launchBare(start);
    try {
      // Both pages were prerendered: the tracker, then the probe, ran while
      // document.prerendering was true, and the probe's own request says so.
      const loaded = await Promise.all(
        ['/s40/shown', '/s40/never'].map((page) => h.probe({ page, state: 'loaded' })),
      );
      for (const report of loaded) {
        expect(report).toMatchObject({ prerendering: 'true', purpose: 'prefetch;prerender' });
      }
      // The probe called the tracker and flushed it before reporting: anything the tracker
      // would send while prerendered was sent by then. The pause is not what proves nothing
      // was (the checks after the showing do: the first event of s40 is the page view counted
      // once shown, and s40-never is still empty once a later page's view has arrived): it puts
      // the prerendering 1.5 s before the showing, so engaged time counted from the
      // prerendering would show in the final heartbeat (checked below).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(h.events('s40')).toEqual([]);
      expect(h.events('s40-never')).toEqual([]);

      // The start page navigates to one of them: Chromium shows (activates) the prerendered page.
      h.control.set('/s40/start', '/s40/shown');
      const shown = await h.probe({ page: '/s40/shown', state: 'shown' });
      expect(Number(shown.activationStart)).toBeGreaterThan(0);
      const activatedAt = Number(shown.activatedAt);
      const [pageview] = await h.waitFor('s40', (e) => e.length >= 1);
      expect(pageview).toMatchObject({ type: 'pageview', url: '/s40/shown', title: 'Shown' });
      // Counted when shown (timestamps are whole ms, activatedAt is not).
      expect(pageview!.ts).toBeGreaterThanOrEqual(Math.floor(activatedAt));

      // A second of the shown page, then it navigates away: its final heartbeat counts the time
      // since it was shown, not since it was prerendered.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      h.control.set('/s40/shown', '/s40/after');
      const hidden = await h.probe({ page: '/s40/shown', state: 'hidden' });
      const events = await h.waitFor('s40', (e) =>
        e.some((x) => x.type === 'heartbeat' && x.final),
      );
      const final = events.find((x): x is HeartbeatEvent => x.type === 'heartbeat' && !!x.final)!;
      // The tracker's hide runs before the probe's, so the engaged time cannot exceed the time
      // from showing to the probe's report; the second in between is most of it (on a loaded
      // machine the tracker may start, or hide, a little later than the probe sees).
      const sinceShown = Number(hidden.at) - activatedAt;
      expect(final.engagedMs).toBeLessThanOrEqual(Math.ceil(sinceShown));
      expect(final.engagedMs).toBeGreaterThanOrEqual(500);
      // Counted from the prerendering, it would be at least 1.5 s longer.
      expect(Number(hidden.at) - Number(loaded[0]!.at)).toBeGreaterThan(sinceShown + 1_400);
      // Calls queued by the stub run once the page is shown (full build; the core build drops
      // them); the call made while prerendered is ignored by both.
      const custom = events.filter((e): e is CustomEvent => e.type === 'custom');
      expect(custom.map((e) => e.name)).toEqual(FULL ? ['early', '404'] : []);
      expect(events.map((e) => e.type)[0]).toBe('pageview');

      // The other prerendered page, never shown, was discarded having sent nothing.
      await h.waitFor('s40-after', (e) => e.length === 1);
      expect(h.events('s40-never')).toEqual([]);
    } finally {
      await chromium.stop();
    }
  });
});
