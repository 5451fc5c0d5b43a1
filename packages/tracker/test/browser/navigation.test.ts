/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest's asymmetric matchers (expect.any) are typed any */
/**
 * Browser scenarios 01–09 and 15–17: pageviews, SPA and hash navigation, bfcache, referrer and
 * UTM, the 404 helper, the stub queue, custom events, the ESM build, navigations that change
 * only the query string or the hash, and revenue.
 */
import type { CustomEvent, Event, PageviewEvent } from '@sightline/schema';
import type * as Esm from '../../src/index.js';
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

const pageviews = (events: Event[]) =>
  events.filter((e): e is PageviewEvent => e.type === 'pageview');
const ID = /^[\w-]{8,64}$/;

describe('navigation', () => {
  it('01 first pageview: one beacon, text/plain, compact v2, every base field', async () => {
    const site = 's01';
    const { context, page, errors } = await h.open();
    const sends = await watchSends(page);
    const before = Date.now();
    await page.goto(h.pageUrl('/s01/home?q=1', { attrs: base(site), title: 'Home' }));
    const [event] = await h.waitFor(site, (e) => e.length >= 1);
    const captured = h.captured.find((c) => c.batch.site === site)!;
    expect(captured.contentType).toBe('text/plain;charset=UTF-8');
    expect(captured.batch).toMatchObject({ v: 1, site, automated: true });
    await expect.poll(() => sends).toEqual(['Ping']); // sendBeacon, not fetch
    const viewport = await page.evaluate(() => [screen.width, screen.height, navigator.language]);
    // The language is not in the body: the Worker reads the same preference from this header.
    expect(captured.headers['accept-language']?.split(/[,;]/)[0]).toBe(viewport[2]);
    expect(event).toEqual({
      type: 'pageview',
      id: expect.stringMatching(ID),
      ts: expect.any(Number),
      session: expect.stringMatching(ID),
      visitor: expect.stringMatching(ID),
      url: '/s01/home?q=1',
      referrer: '',
      screen: [viewport[0], viewport[1]],
      storage: true,
      title: 'Home',
    });
    expect(event!.ts).toBeGreaterThanOrEqual(before);
    expect(event!.ts).toBeLessThanOrEqual(Date.now());
    // On the wire: v2, the per-page-load fields once in the envelope, the event positional.
    const loadId = event!.id.slice(0, -2);
    expect(event!.id).toBe(`${loadId}-0`);
    expect(captured.raw).toEqual({
      v: 2,
      s: site,
      i: event!.session,
      u: event!.visitor,
      k: true,
      p: loadId,
      w: [viewport[0], viewport[1]],
      a: true,
      e: [[0, 0, event!.ts, '/s01/home?q=1', '', 'Home']],
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('02 SPA: pushState, replaceState and back/forward each count once', async () => {
    const site = 's02';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s02/a', { attrs: base(site) }));
    await h.waitFor(site, (e) => pageviews(e).length === 1);
    await page.evaluate(() => history.pushState({}, '', '/s02/b'));
    await page.evaluate(() => history.replaceState({ same: true }, '', '/s02/b')); // same URL
    await page.evaluate(() => history.replaceState({}, '', '/s02/c?tab=2'));
    await page.evaluate(() => history.pushState({}, '', '/s02/c?tab=2#section')); // hash only
    await page.goBack(); // → /s02/c?tab=2: the hash alone changed, no pageview
    await page.goBack(); // → /s02/a (the /s02/b entry was replaced by /s02/c?tab=2)
    await page.goForward(); // → /s02/c?tab=2
    const events = await h.waitFor(site, (e) => pageviews(e).length >= 5);
    const urls = pageviews(await h.settle(page, site)).map((e) => [e.url, e.referrer]);
    const origin = h.origin;
    expect(urls).toEqual([
      ['/s02/a', ''],
      ['/s02/b', `${origin}/s02/a`],
      ['/s02/c?tab=2', `${origin}/s02/b`],
      ['/s02/a', `${origin}/s02/c?tab=2`],
      ['/s02/c?tab=2', `${origin}/s02/a`],
    ]);
    const sessions = new Set(events.map((e) => e.session));
    expect(sessions.size).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('navigation options and helpers', () => {
  it('03 hash routing: ignored by default, a navigation with data-hash-routing', async () => {
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s03/plain', { attrs: base('s03a') }));
    await h.waitFor('s03a', (e) => e.length === 1);
    await page.evaluate(() => (location.hash = '#/about'));
    await page.goto(h.pageUrl('/s03/app', { attrs: base('s03b', { 'hash-routing': true }) }));
    await h.waitFor('s03b', (e) => e.length === 1);
    await page.evaluate(() => (location.hash = '#/about'));
    await page.evaluate(() => history.pushState({}, '', '#/team'));
    await page.goBack();
    const events = await h.waitFor('s03b', (e) => pageviews(e).length === 4);
    expect(pageviews(events).map((e) => e.url)).toEqual([
      '/s03/app',
      '/s03/app#/about',
      '/s03/app#/team',
      '/s03/app#/about',
    ]);
    expect(pageviews(h.events('s03a')).map((e) => e.url)).toEqual(['/s03/plain']);
    await context.close();
  });

  it('04 bfcache: a restored page is not counted again, and its engagement resumes', async () => {
    const site = 's04';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s04/a', { attrs: base(site, { 'heartbeat-ms': '200' }) }));
    await h.waitFor(site, (e) => pageviews(e).length === 1);
    await page.evaluate(() => {
      addEventListener('pageshow', (e) => {
        (window as unknown as { restored: boolean }).restored = e.persisted;
      });
    });
    await page.goto(h.pageUrl('/s04/b', { attrs: base(site, { 'heartbeat-ms': '200' }) }));
    await h.waitFor(site, (e) => pageviews(e).length === 2);
    // A bfcache restore fires no load event: wait for the commit only.
    await page.goBack({ waitUntil: 'commit' });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { restored?: boolean }).restored))
      .toBe(true);
    await page.mouse.move(10, 10);
    // The restored page beats again (it was active), under its first page view's URL.
    const events = await h.waitFor(site, (e) =>
      e.some((x, i) => i > 2 && x.type === 'heartbeat' && !x.final && x.url === '/s04/a'),
    );
    expect(pageviews(events).map((e) => e.url)).toEqual(['/s04/a', '/s04/b']);
    // Leaving a page sends its final heartbeat.
    expect(events.filter((e) => e.type === 'heartbeat' && e.final).map((e) => e.url)).toContain(
      '/s04/a',
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('05 UTM and referrer: the landing URL keeps its query, the referrer is the full URL', async () => {
    const site = 's05';
    const { context, page } = await h.open();
    await page.goto(
      h.pageUrl('/s05/landing?utm_source=news&utm_medium=social&utm_campaign=launch', {
        attrs: base(site),
      }),
      { referer: 'https://news.example.org/story?id=7' },
    );
    await page.evaluate(() => history.pushState({}, '', '/s05/next'));
    const events = await h.waitFor(site, (e) => pageviews(e).length === 2);
    expect(pageviews(events).map((e) => [e.url, e.referrer])).toEqual([
      [
        '/s05/landing?utm_source=news&utm_medium=social&utm_campaign=launch',
        'https://news.example.org/story?id=7',
      ],
      [
        '/s05/next',
        `${h.origin}/s05/landing?utm_source=news&utm_medium=social&utm_campaign=launch`,
      ],
    ]);
    await context.close();
  });

  it('06 stub queue and the 404 helper: calls made before the script loaded are sent (core build: dropped, a no-op)', async () => {
    const site = 's06';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s06/missing?from=nav', { attrs: base(site), stub: true }));
    // The global also works as an object after loading.
    await page.evaluate(() => {
      window.sightline!.notFound();
      window.sightline!('track', 'sentinel');
    });
    const events = await h.waitFor(site, (e) =>
      e.some((x) => x.type === 'custom' && x.name === 'sentinel'),
    );
    const custom = (e: Event[]) =>
      e.filter((x): x is CustomEvent => x.type === 'custom').map((x) => [x.name, x.props]);
    expect(events[0]!.type).toBe('pageview');
    expect(custom(events)).toEqual(
      FULL
        ? [
            ['early', { queued: true }],
            ['404', { path: '/s06/missing?from=nav' }],
            ['404', { path: '/s06/missing?from=nav' }],
            ['sentinel', undefined],
          ]
        : [['sentinel', undefined]],
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('07 custom events: name and props are cut to the schema, never rejected', async () => {
    const site = 's07';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s07/form', { attrs: base(site) }));
    await page.evaluate(() => {
      const s = (window as unknown as { sightline: (...a: unknown[]) => void }).sightline;
      s('track', 'signup', { plan: 'pro', seats: 3, annual: true, coupon: null });
      const many: Record<string, unknown> = {
        long: 'v'.repeat(300),
        ['k'.repeat(80)]: 1,
        nested: { a: 1 },
        list: [1, 2],
        nan: NaN,
        inf: Infinity,
        undef: undefined,
        fn: () => 1,
      };
      for (let i = 0; i < 30; i++) many[`p${i}`] = i;
      s('track', 'n'.repeat(100), many);
      s('track', '', { ignored: true });
      s('track', 42);
    });
    const events = (await h.waitFor(site, (e) => e.length === 3)) as CustomEvent[];
    expect(events[1]).toMatchObject({
      type: 'custom',
      name: 'signup',
      props: { plan: 'pro', seats: 3, annual: true, coupon: null },
    });
    const cut = events[2]!;
    expect(cut.name).toBe('n'.repeat(64));
    expect(cut.props).toEqual({
      long: 'v'.repeat(256),
      ['k'.repeat(64)]: 1,
      nested: null,
      list: null,
      nan: null,
      inf: null,
      p0: 0,
      p1: 0 + 1,
      p2: 2,
      p3: 3,
      p4: 4,
      p5: 5,
      p6: 6,
      p7: 7,
      p8: 8,
      p9: 9,
      p10: 10,
      p11: 11,
    });
    expect(await h.settle(page, site)).toHaveLength(3); // the empty and the non-string name: none
    await context.close();
  });

  it('08 the ESM build: init() in a module, same beacons', async () => {
    const site = 'esm-site';
    const { context, page, errors } = await h.open();
    await page.goto(`${h.origin}/esm/app`);
    await h.waitFor(site, (e) => e.length === 1);
    await page.evaluate(() => {
      const { esm } = window as unknown as { esm: Pick<typeof Esm, 'track' | 'notFound'> };
      esm.track('purchase', { plan: 'pro' }, { amount: 29.9, currency: 'EUR' });
      esm.notFound();
      esm.track('sentinel');
    });
    const events = await h.waitFor(site, (e) =>
      e.some((x) => x.type === 'custom' && x.name === 'sentinel'),
    );
    expect(events[0]).toMatchObject({ url: '/esm/app', title: 'ESM', storage: true });
    // The full build's entry (dist/full.js) sends revenue and 404s; the core entry neither.
    expect(events.slice(1)).toMatchObject(
      FULL
        ? [
            {
              name: 'purchase',
              props: { plan: 'pro' },
              revenue: { amount: 29.9, currency: 'EUR' },
            },
            { name: '404', props: { path: '/esm/app' } },
            { name: 'sentinel' },
          ]
        : [{ name: 'purchase', props: { plan: 'pro' } }, { name: 'sentinel' }],
    );
    if (!FULL) expect(events[1]).not.toHaveProperty('revenue');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('09 never throws into the page: bad calls are ignored, the page keeps its own errors', async () => {
    const site = 's09';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s09/a', { attrs: base(site) }));
    const pageError = await page.evaluate(() => {
      const s = (window as unknown as { sightline: (...a: unknown[]) => void }).sightline;
      s('nope');
      s('track', 'big', { n: BigInt(1) });
      s('track', 'cyclic', Object.create(null) as object);
      try {
        // The page's own failing call still fails for the page (the tracker wraps, not hides).
        history.pushState({ f: () => 1 }, '', '/s09/b');
        return 'no error';
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(pageError).toBe('DataCloneError');
    await page.evaluate(() => history.pushState({}, '', '/s09/c'));
    const events = await h.waitFor(site, (e) => pageviews(e).length === 2);
    expect(pageviews(events).map((e) => e.url)).toEqual(['/s09/a', '/s09/c']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('15 a navigation that changes only the query string or the hash is the same page view', async () => {
    const site = 's15';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s15/list', { attrs: base(site) }));
    await h.waitFor(site, (e) => pageviews(e).length === 1);
    await page.evaluate(() => history.pushState({}, '', '/s15/list?page=2')); // query only
    await page.evaluate(() => history.replaceState({}, '', '/s15/list?page=3&sort=asc'));
    await page.evaluate(() => history.pushState({}, '', '/s15/list?page=3&sort=asc#details')); // hash only
    await page.evaluate(() => (location.hash = '#top'));
    await page.goBack(); // back to #details: the hash alone changed
    await page.evaluate(() => window.sightline!('track', 'on-list'));
    await page.evaluate(() => history.pushState({}, '', '/s15/item')); // a new path: counted
    await page.evaluate(() => history.replaceState({}, '', '/s15/item?ref=list'));
    await page.evaluate(() => window.sightline!('track', 'on-item'));
    const events = await h.waitFor(site, (e) =>
      e.some((x) => x.type === 'custom' && x.name === 'on-item'),
    );
    expect(pageviews(events).map((e) => [e.url, e.referrer])).toEqual([
      ['/s15/list', ''],
      ['/s15/item', `${h.origin}/s15/list`],
    ]);
    // Events belong to their page view, under its URL as counted.
    expect(
      events.filter((e): e is CustomEvent => e.type === 'custom').map((e) => [e.name, e.url]),
    ).toEqual([
      ['on-list', '/s15/list'],
      ['on-item', '/s15/item'],
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('16 hash routing: a new hash is a new page view, a new query string alone is not', async () => {
    const site = 's16';
    const { context, page } = await h.open();
    await page.goto(h.pageUrl('/s16/app', { attrs: base(site, { 'hash-routing': 'true' }) }));
    await h.waitFor(site, (e) => pageviews(e).length === 1);
    await page.evaluate(() => (location.hash = '#/a'));
    await page.evaluate(() => history.pushState({}, '', '/s16/app?tab=2#/a')); // query only
    await page.evaluate(() => history.replaceState({}, '', '/s16/app?tab=3#/b')); // new hash
    await page.evaluate(() => window.sightline!('track', 'sentinel'));
    const events = await h.waitFor(site, (e) => e.some((x) => x.type === 'custom'));
    expect(pageviews(events).map((e) => e.url)).toEqual([
      '/s16/app',
      '/s16/app#/a',
      '/s16/app?tab=3#/b',
    ]);
    await context.close();
  });

  it('17 revenue: sent with a custom event when valid, left out (the event kept) when not; core build: never', async () => {
    const site = 's17';
    const { context, page, errors } = await h.open();
    await page.goto(h.pageUrl('/s17/checkout', { attrs: base(site) }));
    await h.waitFor(site, (e) => e.length === 1);
    await page.evaluate(() => {
      const s = window.sightline!;
      s('track', 'purchase', { plan: 'pro' }, { amount: 29.9, currency: 'EUR' });
      s.track('refund', undefined, { amount: '-5.5', currency: 'USD' }); // a numeric string
      s('track', 'lower-case', {}, { amount: 1, currency: 'eur' });
      s('track', 'not-a-number', {}, { amount: 'ten', currency: 'EUR' });
      s('track', 'too-large', {}, { amount: 2e9, currency: 'EUR' });
      s('track', 'no-currency', {}, { amount: 1 });
      s('track', 'plain');
    });
    const events = (await h.waitFor(site, (e) => e.length === 8)).slice(1) as CustomEvent[];
    expect(events.map((e) => [e.name, e.revenue])).toEqual([
      ['purchase', FULL ? { amount: 29.9, currency: 'EUR' } : undefined],
      ['refund', FULL ? { amount: -5.5, currency: 'USD' } : undefined],
      ['lower-case', undefined],
      ['not-a-number', undefined],
      ['too-large', undefined],
      ['no-currency', undefined],
      ['plain', undefined],
    ]);
    expect(events[0]!.props).toEqual({ plan: 'pro' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
