import { describe, expect, it } from 'vitest';
import { percentile } from '../src/index.js';

describe('percentile (nearest rank)', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('is the sample of rank ⌈p/100 · n⌉', () => {
    expect(percentile(ten, 50)).toBe(5); // rank 5: the lower middle of an even count
    expect(percentile(ten, 95)).toBe(10); // rank 10 (9.5 rounded up)
    expect(percentile(ten, 90)).toBe(9); // rank 9 exactly
    expect(percentile(ten, 10)).toBe(1);
    expect(percentile(ten, 11)).toBe(2);
  });

  it('never interpolates: every answer is one of the samples', () => {
    const samples = [0.5, 3.25, 7, 100];
    for (let p = 0; p <= 100; p += 0.5) expect(samples).toContain(percentile(samples, p));
  });

  it('gives the minimum at p0 and the maximum at p100', () => {
    expect(percentile(ten, 0)).toBe(1);
    expect(percentile(ten, 100)).toBe(10);
  });

  it('takes rank 7 for p7 of 100 samples (0.07 · 100 is 7.000000000000001 in floating point)', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 7)).toBe(7);
    for (let p = 1; p <= 100; p++) expect(percentile(hundred, p)).toBe(p);
  });

  it('is NaN for no samples, and the sample itself for one', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([42], 1)).toBe(42);
    expect(percentile([42], 99)).toBe(42);
  });
});
