/**
 * Conversions on the Worker side: page paths without query strings (what a query string held
 * reaches neither a flush nor a live message), the parameters a site keeps, ad click ids by
 * kind, goals and revenue in the live feed (which shows what a person cares about, no
 * heartbeats), revenue, vitals and unmeasured scroll depth in the flush.
 */
import { pollUntil } from '@sightline/test-utils';
import { describe, expect, it } from 'vitest';
import { addSite, batch, heartbeat, newVisit, pageview, post, uid } from './support/helpers.js';
import { acceptedAtLeast, batchesOf, live, messagesOf } from './support/site-live.js';

/** What a query string may carry that must never be stored or shown. */
const SECRETS = ['jane.doe', 's3cr3t-t0k3n', 'Cj0KCQ-click-value'];
const SECRET_QUERY =
  '?utm_source=newsletter&utm_medium=email&utm_term=mugs&email=jane.doe%40example.com' +
  '&token=s3cr3t-t0k3n&gclid=Cj0KCQ-click-value';

async function everythingSentFor(site: string): Promise<string> {
  await live(site).flush();
  const batches = await batchesOf(site);
  const messages = await messagesOf(site);
  return JSON.stringify({ batches, messages });
}

describe('page paths and query strings', () => {
  it('keeps only the path: no e-mail address, token or click id reaches a flush or a live message', async () => {
    const site = await addSite();
    // Watched, so the object pushes live messages (it pushes none for a site nobody watches).
    await live(site.id).watch({ site: site.id });
    const visit = newVisit();
    await post(
      batch(site.id, [
        pageview(visit, { url: `/products/mug${SECRET_QUERY}` }),
        heartbeat(visit, { url: `/products/mug${SECRET_QUERY}` }),
        {
          ...pageview(visit, { url: `/missing?token=s3cr3t-t0k3n` }),
          type: 'custom',
          name: '404',
          props: { path: `/missing?token=s3cr3t-t0k3n` },
        },
        {
          ...pageview(visit, { url: '/products/mug' }),
          type: 'download',
          target: 'https://cdn.example/report.pdf?sig=s3cr3t-t0k3n#page=2',
        },
      ]),
    );
    await acceptedAtLeast(site.id, 4);
    const sent = await everythingSentFor(site.id);
    for (const secret of SECRETS) expect(sent).not.toContain(secret);
    const events = (await batchesOf(site.id)).flatMap((b) => b.events) as unknown as {
      type: string;
      path: string;
      name: string;
      props: Record<string, unknown> | null;
    }[];
    expect(events.map((e) => e.path)).toEqual([
      '/products/mug',
      '/products/mug',
      '/missing',
      '/products/mug',
    ]);
    expect(events[2]!.props).toEqual({ path: '/missing' });
    expect(events[3]!.name).toBe('https://cdn.example/report.pdf');
    const [session] = (await batchesOf(site.id)).flatMap((b) => b.sessions);
    // What the query string said about the visit stays, as attribution.
    expect(session).toMatchObject({
      entry_path: '/products/mug',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_term: 'mugs',
      click_id: 'gclid',
    });
    // The push follows the watch's push window: wait for it, then check what it showed.
    const messages = await pollUntil(
      async () => {
        const found = await messagesOf(site.id);
        return found.some((m) => m.events.some((e) => e.path === '/products/mug')) && found;
      },
      { what: 'the page view in a live message' },
    );
    for (const secret of SECRETS) expect(JSON.stringify(messages)).not.toContain(secret);
  });

  it('keeps the parameters a site allows by name, in the order sent; never UTM tags or click ids', async () => {
    const site = await addSite({ allowed_query_params: ['q', 'page', 'utm_source', 'gclid'] });
    const visit = newVisit();
    await post(
      batch(site.id, [
        pageview(visit, { url: '/search?session=abc&q=lamp+shade&utm_source=x&page=2&gclid=1' }),
      ]),
    );
    await acceptedAtLeast(site.id, 1);
    await live(site.id).flush();
    const [event] = (await batchesOf(site.id)).flatMap((b) => b.events) as unknown as {
      path: string;
    }[];
    expect(event!.path).toBe('/search?q=lamp+shade&page=2');
  });

  it('records an ad click as the kind of click, and it is not a direct visit', async () => {
    const site = await addSite();
    const visit = newVisit();
    await post(
      batch(site.id, [pageview(visit, { url: '/?fbclid=IwAR-value&msclkid=x', referrer: '' })]),
    );
    await acceptedAtLeast(site.id, 1);
    await live(site.id).flush();
    const [session] = (await batchesOf(site.id)).flatMap((b) => b.sessions);
    expect(session).toMatchObject({ click_id: 'msclkid', referrer_class: 'other' });
    expect(JSON.stringify(await batchesOf(site.id))).not.toContain('IwAR');
  });
});

describe('the live feed', () => {
  it('shows page views, custom events, outbound clicks and downloads, not heartbeats or vitals; marks goals and revenue', async () => {
    const site = await addSite({
      goals: [
        {
          id: 1,
          name: 'Bought',
          event_name: 'purchase',
          page_path: null,
          prop_key: null,
          prop_value: null,
        },
        {
          id: 2,
          name: 'Checkout done',
          event_name: null,
          page_path: '/checkout/*/done',
          prop_key: null,
          prop_value: null,
        },
      ],
    });
    await live(site.id).watch({ site: site.id });
    const visit = newVisit();
    const ids = Array.from({ length: 6 }, () => uid('evt'));
    const base = (i: number, extra: Record<string, unknown>) =>
      pageview(visit, { id: ids[i], url: '/checkout/7/done', ...extra });
    await post(
      batch(site.id, [
        base(0, {}),
        base(1, { type: 'heartbeat', engagedMs: 5000, scroll: 30, interactions: 1 }),
        base(2, {
          type: 'custom',
          name: 'purchase',
          props: { plan: 'pro' },
          revenue: { amount: 29.9, currency: 'EUR' },
        }),
        base(3, { type: 'outbound', target: 'https://partner.example/x?ref=me' }),
        base(4, { type: 'download', target: 'https://cdn.example/a.pdf' }),
        base(5, { type: 'vitals', lcp: 1200 }),
      ]),
    );
    await acceptedAtLeast(site.id, 6);
    const feed = await pollUntil(
      async () => {
        const events = (await messagesOf(site.id)).flatMap((m) => m.events);
        return events.length >= 4 ? events : null;
      },
      { what: 'four events in the live feed' },
    );
    expect(feed.map((e) => [e.type, e.name, e.goals ?? [], e.revenue ?? null])).toEqual([
      ['pageview', '', ['Checkout done'], null],
      ['custom', 'purchase', ['Bought'], { amount: 29.9, currency: 'EUR' }],
      ['outbound', 'https://partner.example/x', [], null],
      ['download', 'https://cdn.example/a.pdf', [], null],
    ]);
  });
});

describe('what a flush carries', () => {
  it('revenue, vitals, and no scroll depth for a heartbeat that did not measure it', async () => {
    const site = await addSite();
    const visit = newVisit();
    await post(
      batch(site.id, [
        pageview(visit, { url: '/a' }),
        heartbeat(visit, { url: '/a', scroll: 60 }),
        // The core build: no scroll.
        heartbeat(visit, { url: '/a', scroll: undefined }),
        {
          ...pageview(visit, { url: '/a' }),
          type: 'custom',
          name: 'purchase',
          revenue: { amount: 12.5, currency: 'USD' },
        },
        { ...pageview(visit, { url: '/a' }), type: 'vitals', lcp: 900, cls: 0.02 },
      ]),
    );
    await acceptedAtLeast(site.id, 5);
    await live(site.id).flush();
    const events = (await batchesOf(site.id)).flatMap((b) => b.events) as unknown as Record<
      string,
      unknown
    >[];
    expect(events.map((e) => e.scroll)).toEqual([null, 60, null, null, null]);
    expect(events[3]!.revenue).toEqual({ amount: 12.5, currency: 'USD' });
    expect(events[4]!.vitals).toEqual({ lcp: 900, inp: null, cls: 0.02, ttfb: null, fcp: null });
    const [session] = (await batchesOf(site.id)).flatMap((b) => b.sessions);
    expect(session).toMatchObject({ max_scroll: 60 });
  });
});
