import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batch, MAX_BODY_BYTES, parseBatch } from '../src/index.js';
import { batch, pageview } from './fixtures.js';

describe('parseBatch under fuzzing', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseBatch(value);
        expect(result.data === null).toBe(result.error !== null);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text, and rejects it with a code', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const result = parseBatch(text);
        if (result.error) expect(['invalid_json', 'invalid_batch']).toContain(result.error.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid batches', () => {
    const keys = ['v', 'site', 'events', 'id', 'ts', 'url', 'type', 'storage', 'props', 'screen'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const event: Record<string, unknown> = { ...pageview(), [key]: value };
        const input: Record<string, unknown> = { ...batch([event]), [key]: value };
        parseBatch(input);
        parseBatch(JSON.stringify(input) ?? '');
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every body over the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), (extra) => {
        const text = JSON.stringify(batch()).padEnd(MAX_BODY_BYTES + extra, ' ');
        expect(parseBatch(text).error?.code).toBe('body_too_large');
      }),
      { numRuns: 200 },
    );
  });

  it('accepts what it produced: a valid batch survives a JSON round trip', () => {
    const path = fc.stringMatching(/^\/[a-z0-9/_-]{0,60}$/);
    fc.assert(
      fc.property(path, fc.integer({ min: 1, max: 50 }), (url, count) => {
        const input = batch(Array.from({ length: count }, () => pageview({ url })));
        const result = parseBatch(JSON.stringify(input));
        expect(result.error).toBeNull();
        expect(Batch.parse(result.data)).toEqual(input);
      }),
      { numRuns: 200 },
    );
  });
});
