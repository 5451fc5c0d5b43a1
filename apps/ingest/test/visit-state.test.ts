/**
 * The value score sees what the model was fitted on: page views and engaged time per content
 * group (the site's rules, or the default shop groups), not the totals alone.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_GROUPS, type EnrichedEvent } from '@sightline/schema';
import { foldEvent, newSession, score, sessionRow } from '../src/durable-objects/visit-state.js';

const T0 = Date.UTC(2026, 10, 17, 12);
let n = 0;

function event(type: 'pageview' | 'heartbeat', url: string, at: number): EnrichedEvent {
  const base = {
    id: `evt_${n++}_abcdefgh`,
    ts: at,
    session: 'ses_groups_1',
    visitor: 'vis_groups_1',
    url,
    storage: true,
    site: 'site-groups',
    receivedAt: at,
    country: 'DE',
    region: 'BE',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.4,
    geoTimeZone: 'Europe/Berlin',
    colo: 'FRA',
    device: 'desktop' as const,
    browser: 'Chrome',
    os: 'Windows',
    referrerHost: '',
    referrerClass: 'search' as const,
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    clickId: '',
  };
  return type === 'pageview'
    ? { ...base, type }
    : { ...base, type, engagedMs: 60_000, scroll: 80, interactions: 3 };
}

/** A visit of `pages` page views, each with three one-minute heartbeats. */
function visit(pages: string[], rules = DEFAULT_CONTENT_GROUPS) {
  let at = T0;
  const first = event('pageview', pages[0]!, at);
  const session = newSession(first, false, 'UTC');
  for (const path of pages) {
    foldEvent(session, event('pageview', path, (at += 1000)), rules);
    for (let i = 0; i < 3; i++) foldEvent(session, event('heartbeat', path, (at += 60_000)), rules);
  }
  return session;
}

describe('content groups in the value score', () => {
  it('counts views and engaged time per group with the default shop groups', () => {
    const s = visit(['/products/mug', '/products/lamp', '/cart', '/about']);
    expect(s.groups).toEqual({
      productrelated: { views: 3, engagedMs: 540_000 },
      informational: { views: 0, engagedMs: 0 },
      administrative: { views: 0, engagedMs: 0 },
    });
    // The state the database receives carries no groups.
    expect(sessionRow(s)).not.toHaveProperty('groups');
  });

  it('scores the same totals differently by where they were spent', () => {
    const shopping = score(visit(['/products/mug', '/products/lamp', '/cart', '/checkout']), 'UTC');
    const reading = score(visit(['/about', '/press', '/jobs', '/contact']), 'UTC');
    expect(shopping).toBeGreaterThan(reading);
  });

  it("follows the site's own rules", () => {
    const rules = [{ group: 'product' as const, pattern: '/shop/**' }];
    const s = visit(['/shop/mug', '/products/mug'], rules);
    expect(s.groups!.productrelated).toEqual({ views: 1, engagedMs: 180_000 });
  });
});
