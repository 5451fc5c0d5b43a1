import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import full from '@sightline/tracker/sightline.js';
import core from '@sightline/tracker/sightline.core.js';
import vitals from '@sightline/tracker/sightline.vitals.js';
import { DAILY, IMMUTABLE } from '../src/routes/tracker-script.js';

describe.each([
  ['/s.js', full],
  ['/s.core.js', core],
  ['/s.vitals.js', vitals],
])('GET %s', (path, text) => {
  it('serves the built script, cached for a day with an ETag, and answers 304 on a match', async () => {
    const res = await SELF.fetch(`https://ingest.test${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe(DAILY);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(text);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
    for (const match of [etag!, `W/${etag}`, `"other", ${etag}`]) {
      const again = await SELF.fetch(`https://ingest.test${path}`, {
        headers: { 'if-none-match': match },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
  });

  it('is immutable under ?v= of the current release, daily under an older one', async () => {
    const etag = (await SELF.fetch(`https://ingest.test${path}`)).headers.get('etag')!;
    const current = await SELF.fetch(`https://ingest.test${path}?v=${etag.slice(1, -1)}`);
    expect(current.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(await current.text()).toBe(text);
    const older = await SELF.fetch(`https://ingest.test${path}?v=000000000000000000000000`);
    expect(older.headers.get('cache-control')).toBe(DAILY);
    expect(await older.text()).toBe(text);
  });
});

describe('the builds', () => {
  it('are three different files', () => {
    expect(new Set([full, core, vitals]).size).toBe(3);
    expect(core.length).toBeLessThan(full.length);
  });
});
