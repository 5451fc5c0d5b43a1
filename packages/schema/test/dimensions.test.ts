import { describe, expect, it } from 'vitest';
import { DIMENSIONS, LIMITS, classifyReferrer, isDimension } from '../src/dimensions.js';

describe('@sightline/schema/dimensions', () => {
  it('lists the eighteen report dimensions of docs/database.md', () => {
    expect(DIMENSIONS).toHaveLength(18);
    expect(isDimension('utm_campaign')).toBe(true);
    expect(isDimension('utm_term')).toBe(true);
    expect(isDimension('click_id')).toBe(true);
    expect(isDimension('gclid')).toBe(false);
    expect(LIMITS.url).toBe(1024);
  });

  it('classifies referrers as the Worker does: medium first, then the host', () => {
    expect(classifyReferrer('google.de', '', false)).toBe('search');
    expect(classifyReferrer('mail.google.com', '', false)).toBe('email');
    expect(classifyReferrer('news.ycombinator.com', '', false)).toBe('social');
    expect(classifyReferrer('example.org', 'Newsletter', true)).toBe('email');
    expect(classifyReferrer('example.org', '', false)).toBe('other');
    expect(classifyReferrer('', '', true)).toBe('other');
    expect(classifyReferrer('', '', false)).toBe('direct');
    // An inherited property name is not a medium.
    expect(classifyReferrer('', 'constructor', false)).toBe('direct');
  });
});
