import { describe, expect, it } from 'vitest';
import {
  checkExportRange,
  defaultExportRange,
  firstDayOfData,
} from '../../src/lib/export-range.js';

describe('the default range of "Export history"', () => {
  const now = new Date('2026-12-08T03:00:00Z');

  it('is the last 12 months up to yesterday in the site’s zone when data is older', () => {
    expect(defaultExportRange(now, 'UTC', '2020-01-01')).toEqual({
      from: '2025-12-08',
      to: '2026-12-07',
    });
    expect(defaultExportRange(now, 'UTC', null)).toEqual({ from: '2025-12-08', to: '2026-12-07' });
  });

  it('starts on the first day with data when that is later', () => {
    expect(defaultExportRange(now, 'UTC', '2026-11-30')).toEqual({
      from: '2026-11-30',
      to: '2026-12-07',
    });
  });

  it('ends yesterday in the site’s zone, not UTC', () => {
    // 03:00 UTC is still 7 December in Los Angeles.
    expect(defaultExportRange(now, 'America/Los_Angeles', null).to).toBe('2026-12-06');
    expect(defaultExportRange(now, 'Asia/Tokyo', null).to).toBe('2026-12-07');
  });

  it('never starts after it ends (data only since today)', () => {
    expect(defaultExportRange(now, 'UTC', '2026-12-08')).toEqual({
      from: '2026-12-07',
      to: '2026-12-07',
    });
  });

  it('takes the earliest of the site’s own and imported first days', () => {
    expect(firstDayOfData([null, '2026-03-02', '2025-01-09', undefined])).toBe('2025-01-09');
    expect(firstDayOfData([null])).toBeNull();
  });
});

describe('a picked range', () => {
  it('is refused with bad_range when empty, reversed or past yesterday', () => {
    const y = '2026-12-07';
    expect(checkExportRange({ from: '2026-01-01', to: y }, y)).toBeNull();
    expect(checkExportRange({ from: '', to: y }, y)?.code).toBe('bad_range');
    expect(checkExportRange({ from: '2026-02-01', to: '2026-01-01' }, y)?.code).toBe('bad_range');
    expect(checkExportRange({ from: '2026-01-01', to: '2026-12-08' }, y)?.code).toBe('bad_range');
  });
});
