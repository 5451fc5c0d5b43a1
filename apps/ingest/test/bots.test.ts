import { describe, expect, it } from 'vitest';
import { addSite, batch, newVisit, pageview, post } from './support/helpers.js';
import { acceptedAtLeast, batchesOf, live, stats } from './support/site-live.js';

describe('bot filter', () => {
  it.each([
    ['an HTTP library', { ua: 'curl/8.4.0' }, false],
    [
      'a crawler',
      { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      false,
    ],
    [
      'headless Chrome',
      {
        ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      },
      false,
    ],
    ['no user agent', { ua: null }, false],
    ['the tracker saw automation', {}, true],
  ])(
    'answers %s with 202, counts it as a bot and stores no visit',
    async (_name, options, automated) => {
      const site = await addSite();
      const res = await post(
        batch(
          site.id,
          [pageview(newVisit()), pageview(newVisit())],
          automated ? { automated } : {},
        ),
        options,
      );
      expect(res.status).toBe(202);
      await acceptedAtLeast(site.id, 2, 'bots');
      await live(site.id).flush();
      const s = await stats(site.id);
      expect(s).toMatchObject({ bots: 2, accepted: 0, visitorsNow: 0 });
      expect(await batchesOf(site.id)).toEqual([]);
    },
  );
});
