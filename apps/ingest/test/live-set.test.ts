import { describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '@sightline/schema';
import { LiveSet, MAX_VISITOR_BYTES } from '../src/durable-objects/live-set.js';
import { newSession } from '../src/durable-objects/visit-state.js';

const T0 = Date.UTC(2026, 10, 28, 12);

function pageview(i: number, at: number, path = '/'): EnrichedEvent {
  return {
    type: 'pageview',
    id: `evt_${i}_abcdef`,
    ts: at,
    session: `ses_${i}_abcdef`,
    visitor: `vis_${i}_abcdef`,
    url: path,
    storage: true,
    site: 'site-live-set',
    receivedAt: at,
    country: 'DE',
    region: 'BE',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.4,
    geoTimeZone: 'Europe/Berlin',
    colo: 'FRA',
    device: 'desktop',
    browser: 'Chrome',
    os: 'Windows',
    referrerHost: '',
    referrerClass: 'direct',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    clickId: '',
  };
}

/** A live set with `n` visitors, visitor i last seen at T0 + i ms. */
function liveSet(n: number, path = '/'): LiveSet {
  const live = new LiveSet(3_600_000);
  for (let i = 0; i < n; i++) {
    const e = pageview(i, T0 + i, path);
    live.see(e, newSession(e, false, 'UTC'), 10);
  }
  return live;
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('LiveSet messages', () => {
  it('sends every visitor in a full snapshot that fits one broadcast', () => {
    const message = liveSet(20).message('s', true, T0);
    expect(message).toMatchObject({ full: true, visitorsNow: 20 });
    expect(message.visitors).toHaveLength(20);
    expect(message.truncated).toBeUndefined();
  });

  it('keeps a full snapshot within the byte limit: the most recently seen visitors, exact count', () => {
    const live = liveSet(3_000, '/a-long-path/' + 'x'.repeat(100));
    const message = live.message('s', true, T0);
    expect(message.visitorsNow).toBe(3_000);
    expect(message.truncated).toBe(true);
    expect(bytes(message.visitors)).toBeLessThanOrEqual(MAX_VISITOR_BYTES);
    expect(message.visitors.length).toBeGreaterThan(500);
    expect(message.visitors.length).toBeLessThan(3_000);
    // The newest: visitor 2999 down, without a hole.
    const ids = message.visitors.map((v) => v.id);
    expect(ids[0]).toBe('vis_2999_abcdef');
    expect(ids.at(-1)).toBe(`vis_${3_000 - ids.length}_abcdef`);
  });

  it('turns a delta too large for one broadcast into a truncated snapshot', () => {
    const live = liveSet(10);
    live.message('s', true, T0); // clears the change record
    for (let i = 10; i < 60; i++) {
      const e = pageview(i, T0 + i);
      live.see(e, newSession(e, false, 'UTC'), 10);
    }
    const small = live.message('s', false, T0, 1_000_000);
    expect(small).toMatchObject({ full: false, visitorsNow: 60 });
    expect(small.visitors).toHaveLength(50);
    for (let i = 60; i < 110; i++) {
      const e = pageview(i, T0 + i);
      live.see(e, newSession(e, false, 'UTC'), 10);
    }
    const capped = live.message('s', false, T0, 4_000);
    expect(capped).toMatchObject({ full: true, truncated: true, visitorsNow: 110 });
    expect(bytes(capped.visitors)).toBeLessThanOrEqual(4_000);
    expect(capped.visitors[0]!.id).toBe('vis_109_abcdef');
  });
});
