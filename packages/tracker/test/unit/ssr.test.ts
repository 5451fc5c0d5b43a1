/** Importing and calling the ESM API outside a browser (SSR, tests) is safe: every call is a no-op. */
import { describe, expect, it } from 'vitest';
import { flush, init, notFound, optIn, optOut, pageview, track } from '../../src/index.js';

describe('outside a browser', () => {
  it('no function throws', () => {
    expect(() => {
      init({ site: 'x' });
      track('a', { b: 1 });
      pageview();
      notFound();
      optOut();
      optIn();
      flush();
    }).not.toThrow();
  });
});
