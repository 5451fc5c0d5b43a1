// Traffic simulator for `pnpm dev`: realistic visits through the real tracker protocol (beacon
// batches to POST /v1/events), from many cities, devices and referrers, with SPA navigation,
// engagement heartbeats and conversions (shoppers who walk to the checkout, add to cart and
// buy with revenue, the demo's goals and funnel; outbound clicks, downloads, 404s, web
// vitals), so the live map moves within seconds and its value-score colours vary.
// Geo comes through the Worker's development-only override; everything else is what a browser sends.
import { randomUUID } from 'node:crypto';
import { cities } from './cities.mjs';

const devices = [
  {
    weight: 5,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    screen: [1440, 900],
  },
  {
    weight: 4,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    screen: [1920, 1080],
  },
  {
    weight: 2,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    screen: [1536, 864],
  },
  {
    weight: 6,
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    screen: [390, 844],
  },
  {
    weight: 5,
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    screen: [412, 915],
  },
  {
    weight: 1,
    ua: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    screen: [820, 1180],
  },
];
const sources = [
  { weight: 5, referrer: '', query: '' },
  { weight: 6, referrer: 'https://www.google.com/', query: '' },
  // A search ad click: the Worker keeps that it was one (gclid), never the id.
  { weight: 2, referrer: 'https://www.google.com/', query: '?gclid=EAIaIQobChMI-demo' },
  { weight: 1, referrer: 'https://duckduckgo.com/', query: '' },
  { weight: 2, referrer: 'https://t.co/abc', query: '' },
  { weight: 2, referrer: 'https://www.reddit.com/r/design/', query: '' },
  {
    weight: 2,
    referrer: '',
    // The e-mail address is what newsletters often add: the Worker drops it.
    query:
      '?utm_source=newsletter&utm_medium=email&utm_campaign=autumn-sale&utm_term=mugs&utm_content=header&email=reader%40example.com',
  },
  {
    weight: 1,
    referrer: 'https://www.facebook.com/',
    query: '?utm_source=facebook&utm_medium=social&utm_campaign=launch&fbclid=IwAR-demo',
  },
  { weight: 1, referrer: 'https://news.ycombinator.com/', query: '' },
];
const paths = [
  '/',
  '/products',
  '/products/lamp',
  '/products/chair',
  '/products/mug',
  '/about',
  '/blog/desk-setup',
  '/cart',
];
const prices = { lamp: 49, chair: 189, mug: 18 };

const pick = (items) => {
  let r = Math.random() * items.reduce((s, i) => s + (i.weight ?? 1), 0);
  for (const item of items) if ((r -= item.weight ?? 1) <= 0) return item;
  return items[0];
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const returningPool = [];

async function send(ingestUrl, site, origin, visit, events) {
  const body = JSON.stringify({ v: 1, site, events });
  await fetch(`${ingestUrl}/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin,
      'user-agent': visit.device.ua,
      // Header values are bytes, not UTF-8 text: escape "São Paulo" as JSON \u escapes.
      'x-sightline-dev-geo': JSON.stringify(visit.geo).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    },
    body,
  }).catch(() => undefined); // the Worker may be restarting; the simulator just carries on
}

async function simulateVisit({ ingestUrl, site, origin }) {
  const place = pick(cities);
  const jitter = () => (Math.random() - 0.5) * 0.2;
  const returning = returningPool.length > 20 && Math.random() < 0.3;
  const visitor = returning
    ? returningPool[Math.floor(Math.random() * returningPool.length)]
    : randomUUID();
  // A bounded pool of earlier visitors to come back.
  if (!returning && returningPool.push(visitor) > 500) returningPool.shift();
  const visit = {
    device: pick(devices),
    geo: {
      country: place.country,
      region: place.region,
      city: place.city,
      latitude: place.latitude + jitter(),
      longitude: place.longitude + jitter(),
      timezone: place.timeZone,
    },
  };
  const source = pick(sources);
  const base = {
    session: randomUUID(),
    visitor,
    screen: visit.device.screen,
    language: 'en-US',
    timeZone: place.timeZone,
    storage: true,
  };
  const event = (type, url, extra) => ({
    ...base,
    type,
    id: randomUUID(),
    ts: Date.now(),
    url,
    ...extra,
  });
  const vitals = (url) =>
    event('vitals', url, {
      lcp: 600 + Math.round(Math.random() * 2400),
      inp: 40 + Math.round(Math.random() * 260),
      cls: Math.round(Math.random() * 200) / 1000,
      ttfb: 60 + Math.round(Math.random() * 500),
      fcp: 300 + Math.round(Math.random() * 1500),
    });
  // A fifth of the visitors walk the shop to the checkout (funnel and goals), and most of those buy.
  const buyer = Math.random() < 0.2;
  const product = pick(['lamp', 'chair', 'mug'].map((p) => ({ p }))).p;
  const route = buyer
    ? ['/', '/products', `/products/${product}`, '/cart']
    : Array.from(
        { length: 1 + Math.floor(Math.random() ** 2 * 6) },
        () => pick(paths.map((p) => ({ p }))).p,
      );
  let url = route[0] + source.query;
  await send(ingestUrl, site, origin, visit, [
    event('pageview', url, source.referrer ? { referrer: source.referrer } : {}),
  ]);
  for (let page = 0; page < route.length; page++) {
    const beats = 1 + Math.floor(Math.random() * 4);
    for (let beat = 0; beat < beats; beat++) {
      await sleep(3000 + Math.random() * 4000);
      await send(ingestUrl, site, origin, visit, [
        event('heartbeat', url, {
          engagedMs: 3000 + Math.floor(Math.random() * 4000),
          scroll: Math.min(100, 20 * (beat + 1)),
          interactions: Math.floor(Math.random() * 3),
        }),
      ]);
    }
    if (url.startsWith('/products/') && Math.random() < (buyer ? 1 : 0.15)) {
      await send(ingestUrl, site, origin, visit, [
        event('custom', url, { name: 'add_to_cart', props: { product } }),
      ]);
    }
    if (Math.random() < 0.06)
      await send(ingestUrl, site, origin, visit, [
        event('outbound', url, { target: 'https://example.org/partner' }),
      ]);
    if (Math.random() < 0.04)
      await send(ingestUrl, site, origin, visit, [
        event('download', url, { target: `${origin}/catalogue.pdf` }),
      ]);
    if (Math.random() < 0.5) await send(ingestUrl, site, origin, visit, [vitals(url)]);
    if (page + 1 < route.length) {
      url = route[page + 1];
      await send(ingestUrl, site, origin, visit, [
        event('pageview', url, { referrer: `${origin}/` }),
      ]);
    }
  }
  if (buyer ? Math.random() < 0.75 : url === '/cart' && Math.random() < 0.3) {
    const order = 1000 + Math.floor(Math.random() * 9000);
    await send(ingestUrl, site, origin, visit, [
      event('custom', url, {
        name: 'purchase',
        props: { product, plan: Math.random() < 0.3 ? 'gift' : 'standard' },
        revenue: { amount: prices[product], currency: Math.random() < 0.85 ? 'EUR' : 'USD' },
      }),
    ]);
    url = `/checkout/${order}/done`;
    await send(ingestUrl, site, origin, visit, [
      event('pageview', url, { referrer: `${origin}/cart` }),
    ]);
  } else if (Math.random() < 0.05) {
    url = '/missing-page';
    await send(ingestUrl, site, origin, visit, [
      event('pageview', url, { referrer: `${origin}/` }),
      event('custom', url, { name: '404', props: { path: url } }),
    ]);
  }
  await send(ingestUrl, site, origin, visit, [
    event('heartbeat', url, { engagedMs: 1000, scroll: 100, interactions: 1, final: true }),
  ]);
}

/** Start visits at `rate` per second, forever (until the process exits). */
export function startTraffic({ ingestUrl, site, origin, rate = 2 }) {
  const interval = Math.max(50, 1000 / rate);
  const timer = setInterval(() => void simulateVisit({ ingestUrl, site, origin }), interval);
  return () => clearInterval(timer);
}
