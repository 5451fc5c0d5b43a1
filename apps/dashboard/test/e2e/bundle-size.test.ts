/** The first-load budget: ≤ 200 KB gzip of JavaScript, the lazy map chunk excluded. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { firstLoad } from '../support/first-load.js';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));

describe('bundle size', () => {
  it('keeps first-load JavaScript within 200 KB gzip and no map library in it', () => {
    const load = firstLoad(dist);
    expect(load.jsGzip).toBeLessThanOrEqual(200 * 1024);
    for (const f of load.files)
      expect(f.file).not.toMatch(/maplibre|mapbox|MapboxMap|MaplibreMap/i);
  });
});
