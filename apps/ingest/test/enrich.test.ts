import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../src/index.js';
import { parseUserAgent } from '../src/lib/user-agent.js';
import { attribute } from '../src/lib/referrer.js';
import { DEV_GEO_HEADER, geoOf } from '../src/lib/geo.js';
import { languageOf } from '../src/lib/language.js';
import { enrich } from '../src/lib/enrich.js';
import { parseBatch } from '@sightline/schema';
import { addSite, batch, CHROME_UA, newVisit, pageview, recorderState } from './support/helpers.js';
import { live } from './support/site-live.js';

describe('user agent', () => {
  it.each([
    [CHROME_UA, { device: 'desktop', browser: 'Chrome', os: 'Windows' }],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      { device: 'mobile', browser: 'Safari', os: 'iOS' },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      { device: 'tablet', browser: 'Safari', os: 'iOS' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
      { device: 'mobile', browser: 'Chrome', os: 'Android' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      { device: 'tablet', browser: 'Chrome', os: 'Android' },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
      { device: 'desktop', browser: 'Firefox', os: 'macOS' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
      { device: 'desktop', browser: 'Edge', os: 'Windows' },
    ],
    ['something odd', { device: 'other', browser: '', os: '' }],
  ])('%s', (ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });
});

describe('referrer class and UTM', () => {
  it.each([
    ['/', 'https://www.google.de/', 'search', 'google.de'],
    ['/', 'https://t.co/abc', 'social', 't.co'],
    ['/', 'https://mail.google.com/mail/u/0', 'email', 'mail.google.com'],
    ['/?utm_source=nl&utm_medium=email', '', 'email', ''],
    ['/', '', 'direct', ''],
    ['/', 'https://www.example.com/other', 'direct', ''],
    ['/', 'https://blog.somewhere.org/post', 'other', 'blog.somewhere.org'],
    ['/?utm_campaign=spring', 'not a url', 'other', ''],
  ])('%s from %s → %s', (path, referrer, cls, host) => {
    const a = attribute(path, referrer, 'example.com');
    expect(a.referrerClass).toBe(cls);
    expect(a.referrerHost).toBe(host);
  });

  it('reads all five UTM parameters', () => {
    expect(
      attribute(
        '/x?utm_source=a&utm_medium=b&utm_campaign=c&utm_term=d&utm_content=e',
        '',
        'example.com',
      ),
    ).toMatchObject({
      utmSource: 'a',
      utmMedium: 'b',
      utmCampaign: 'c',
      utmTerm: 'd',
      utmContent: 'e',
    });
  });
});

const PARIS = {
  country: 'FR',
  region: 'Île-de-France',
  city: 'Paris',
  latitude: '48.85',
  longitude: '2.35',
  timezone: 'Europe/Paris',
  colo: 'CDG',
};
const BERLIN = JSON.stringify({ country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.4 });

function beacon(body: unknown, headers: Record<string, string> = {}, query = ''): Request {
  return new Request(`https://ingest.test/v1/events${query}`, {
    method: 'POST',
    headers: {
      origin: 'https://example.com',
      'user-agent': CHROME_UA,
      'cf-connecting-ip': '192.0.2.9',
      ...headers,
    },
    body: JSON.stringify(body),
    cf: PARIS,
  });
}

async function send(
  request: Request,
  environment: 'development' | 'production',
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, { ...env, ENVIRONMENT: environment }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('geo', () => {
  it('comes from request.cf', () => {
    expect(geoOf(new Request('https://x/', { cf: PARIS }), false)).toEqual({
      country: 'FR',
      region: 'Île-de-France',
      city: 'Paris',
      latitude: 48.85,
      longitude: 2.35,
      geoTimeZone: 'Europe/Paris',
      colo: 'CDG',
    });
  });

  it('honours the dev override (header or query) only in development', async () => {
    const site = await addSite();
    const [a, b, c] = [pageview(newVisit()), pageview(newVisit()), pageview(newVisit())];
    expect(
      (await send(beacon(batch(site.id, [a]), { [DEV_GEO_HEADER]: BERLIN }), 'development')).status,
    ).toBe(202);
    expect(
      (
        await send(
          beacon(batch(site.id, [b]), {}, `?dev_geo=${encodeURIComponent(BERLIN)}`),
          'development',
        )
      ).status,
    ).toBe(202);
    expect(
      (await send(beacon(batch(site.id, [c]), { [DEV_GEO_HEADER]: BERLIN }), 'production')).status,
    ).toBe(202);
    await live(site.id).flush();
    const events = (await recorderState()).batches
      .filter((x) => x.site === site.id)
      .flatMap((x) => x.events);
    const country = Object.fromEntries(events.map((e) => [e.id, e.country]));
    expect(country).toEqual({
      [a.id as string]: 'DE',
      [b.id as string]: 'DE',
      [c.id as string]: 'FR',
    });
  });

  it('ignores a malformed override', () => {
    const request = new Request('https://x/', {
      headers: { [DEV_GEO_HEADER]: '{"country": ' },
      cf: PARIS,
    });
    expect(geoOf(request, true).country).toBe('FR');
  });
});

describe('language', () => {
  it.each([
    ['en-GB,en;q=0.9,de;q=0.8', 'en-GB'],
    ['de', 'de'],
    ['zh-Hant-TW;q=1, en', 'zh-Hant-TW'],
    [' fr-CH , fr;q=0.9', 'fr-CH'],
    ['*', undefined],
    ['', undefined],
    [null, undefined],
    ['en_US', undefined],
    ['<script>', undefined],
    ['x'.repeat(36), undefined],
  ])('Accept-Language %j → %j', (header, expected) => {
    expect(languageOf(header)).toBe(expected);
  });

  it("fills events without one from the beacon's Accept-Language; an event's own is kept", () => {
    const [own, none] = [pageview(newVisit()), pageview(newVisit())];
    const { data } = parseBatch(JSON.stringify(batch('s', [{ ...own, language: 'pt-BR' }, none])));
    const request = beacon({}, { 'accept-language': 'en-GB,en;q=0.9' });
    const events = enrich(data!, request, { development: false, origin: 'https://example.com' });
    expect(events.map((e) => e.language)).toEqual(['pt-BR', 'en-GB']);
    const bare = enrich(data!, beacon({}), { development: false, origin: null });
    expect(bare.map((e) => e.language)).toEqual(['pt-BR', undefined]);
  });
});
