import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import tracker from '@sightline/tracker/sightline.js';

describe('GET /s.js', () => {
  it('serves the built tracker with long caching and an ETag, and answers 304 on a match', async () => {
    const res = await SELF.fetch('https://ingest.test/s.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('max-age=86400');
    expect(await res.text()).toBe(tracker);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
    const again = await SELF.fetch('https://ingest.test/s.js', {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });
});
