import { describe, expect, it } from 'vitest';
import { toCsv } from '../src/stats/csv.js';

const totals = { visitors: 1, visits: 2, pageviews: 3, bounceRate: 0.5, engagedMs: 40 };

describe('Stats API CSV', () => {
  it('quotes separators and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(
      [
        { value: '/a,b "c"', ...totals },
        { value: '=HYPERLINK("http://x")', ...totals },
        { value: '-1+2', ...totals, bounceRate: null },
      ],
      'value',
    );
    expect(csv.split('\r\n')).toEqual([
      'value,visitors,visits,pageviews,bounce_rate,engaged_ms',
      '"/a,b ""c""",1,2,3,0.5,40',
      `"'=HYPERLINK(""http://x"")",1,2,3,0.5,40`,
      "'-1+2,1,2,3,,40",
      '',
    ]);
  });

  it('an overview is one row without a key column', () => {
    expect(toCsv([totals], null)).toBe(
      'visitors,visits,pageviews,bounce_rate,engaged_ms\r\n1,2,3,0.5,40\r\n',
    );
  });
});
