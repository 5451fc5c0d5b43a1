/**
 * Global Privacy Control and Do Not Track are honoured by default: the beacon is answered like
 * an accepted one and nothing of it is stored. A site can opt out.
 */
import { describe, expect, it } from 'vitest';
import { addSite, batch, newVisit, pageview, post } from './support/helpers.js';
import { acceptedAtLeast, batchesOf, live, stats } from './support/site-live.js';

describe('privacy signals', () => {
  it.each([
    ['Sec-GPC: 1', { 'sec-gpc': '1' }],
    ['DNT: 1', { dnt: '1' }],
  ])('%s: answered 202 like an accepted beacon, nothing stored', async (_name, headers) => {
    const site = await addSite();
    const res = await post(batch(site.id, [pageview(newVisit()), pageview(newVisit())]), {
      headers,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ received: 2 });
    await acceptedAtLeast(site.id, 2, 'privacySignals');
    await live(site.id).flush();
    expect(await stats(site.id)).toMatchObject({ accepted: 0, visitorsNow: 0, privacySignals: 2 });
    expect(await batchesOf(site.id)).toEqual([]);
  });

  it('stores the beacon when the signal is absent or 0', async () => {
    const site = await addSite();
    const variants: Record<string, string>[] = [{}, { dnt: '0' }, { 'sec-gpc': '0' }];
    for (const headers of variants)
      expect((await post(batch(site.id, [pageview(newVisit())]), { headers })).status).toBe(202);
    await acceptedAtLeast(site.id, 3);
    expect((await stats(site.id)).privacySignals).toBe(0);
  });

  it('stores it anyway for a site that opted out (sites.respect_privacy_signals = false)', async () => {
    const site = await addSite({ respect_privacy_signals: false });
    const res = await post(batch(site.id, [pageview(newVisit())]), {
      headers: { 'sec-gpc': '1', dnt: '1' },
    });
    expect(res.status).toBe(202);
    await acceptedAtLeast(site.id, 1);
    expect((await stats(site.id)).privacySignals).toBe(0);
  });
});
