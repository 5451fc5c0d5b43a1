import { describe, expect, it } from 'vitest';
import { canonicalLine, recordKey } from '../src/records.js';
import { fnv1a64 } from '../src/hash.js';
import { crc32 } from '../src/zip/crc32.js';
import { firstInvalidUtf8 } from '../src/csv/utf8.js';
import { NO_MEASURES } from '../src/day-table.js';

describe('hashes and checksums', () => {
  it('FNV-1a 64 and CRC-32 match their reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('the canonical line is the JSON array of key and measures', () => {
    const a = { ...NO_MEASURES, dimension: 'page' as const, value: '/"x"', visitors: 1, events: 0 };
    const key = recordKey('2024-01-01', a);
    expect(JSON.parse(canonicalLine(key, a))).toEqual([
      '2024-01-01',
      'page',
      '/"x"',
      1,
      null,
      null,
      null,
      null,
      null,
      0,
    ]);
  });

  it('finds the first invalid UTF-8 byte', () => {
    const at = (...b: number[]) => firstInvalidUtf8(new Uint8Array(b), true);
    expect(at(0x61, 0xc3, 0xa9)).toBe(-1);
    expect(at(0x61, 0xc0, 0x80)).toBe(1); // overlong
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // above U+10FFFF
    expect(at(0x61, 0xe2, 0x82)).toBe(1); // cut short at the end
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(-1); // may continue
  });
});
