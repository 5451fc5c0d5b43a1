/** docs/value-score.md must quote the committed fit results, not figures from an older fit. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultValueModel } from '../src/value-score/index.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('docs/value-score.md', () => {
  const docs = read('docs/value-score.md');
  const cv = JSON.parse(read('bench/results/value-score/cv.json')) as {
    chosen: string;
    candidates: { name: string; meanAuc: number; sdAuc: number }[];
  };

  it('quotes every candidate of bench/results/value-score/cv.json', () => {
    for (const c of cv.candidates) {
      expect(docs).toContain(c.name);
      expect(docs).toContain(`${c.meanAuc.toFixed(4)} ± ${c.sdAuc.toFixed(4)}`);
    }
  });

  it('describes the model that ships', () => {
    expect(defaultValueModel.meta?.candidate).toBe(cv.chosen);
    expect(docs).toContain(`**${cv.chosen}** (chosen)`);
  });
});
