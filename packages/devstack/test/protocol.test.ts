import { describe, expect, it } from 'vitest';
import { FilterError, matchesFilter, parseFilter } from '../src/realtime/filters.js';
import {
  decodeBinary,
  decodeText,
  encodeBinaryBroadcast,
  encodeText,
  ProtocolError,
} from '../src/realtime/protocol.js';

describe('frames', () => {
  it('reads and writes both serializers', () => {
    const message = {
      joinRef: '1',
      ref: '2',
      topic: 'realtime:a',
      event: 'phx_join',
      payload: { x: 1 },
    };
    expect(decodeText(encodeText(message, '2.0.0'), '2.0.0')).toEqual(message);
    expect(decodeText(encodeText(message, '1.0.0'), '1.0.0')).toEqual(message);
    expect(JSON.parse(encodeText(message, '2.0.0'))).toEqual([
      '1',
      '2',
      'realtime:a',
      'phx_join',
      { x: 1 },
    ]);
  });

  it('rejects frames of the wrong shape with a stable code', () => {
    for (const [text, vsn] of [
      ['{', '2.0.0'],
      ['[1,2,3]', '2.0.0'],
      ['{"topic":1,"event":"e"}', '1.0.0'],
      ['[null, {}, "t", "e", {}]', '2.0.0'],
    ] as const) {
      expect(() => decodeText(text, vsn)).toThrow(ProtocolError);
    }
  });

  it('decodes a kind-3 user broadcast push and encodes kind 4 as realtime-js reads it', () => {
    const push = Buffer.concat([
      Buffer.from([3, 1, 1, 10, 2, 0, 0]),
      Buffer.from('12realtime:ahi'),
      Buffer.from([9, 8, 7]),
    ]);
    expect(decodeBinary(push)).toEqual({
      joinRef: '1',
      ref: '2',
      topic: 'realtime:a',
      event: 'hi',
      meta: undefined,
      payload: { binary: Buffer.from([9, 8, 7]) },
    });
    const out = encodeBinaryBroadcast('realtime:a', 'hi', { json: { n: 1 } });
    expect([...out.subarray(0, 5)]).toEqual([4, 10, 2, 0, 1]);
    expect(out.subarray(5).toString()).toBe('realtime:ahi{"n":1}');
    expect(() => decodeBinary(Buffer.from([3, 9, 9, 9, 9, 9, 0]))).toThrow(ProtocolError);
    expect(() => decodeBinary(Buffer.from([7, 0, 0, 0, 0, 0, 0]))).toThrow(ProtocolError);
  });
});

describe('postgres_changes filters', () => {
  it('parses the operators Realtime accepts', () => {
    expect(parseFilter('site_id=eq.42')).toEqual({ column: 'site_id', op: 'eq', values: ['42'] });
    expect(parseFilter('path=in.(/a,"/b,c")')).toMatchObject({ op: 'in' });
    expect(parseFilter('id=in.(1,2,3)').values).toEqual(['1', '2', '3']);
    expect(() => parseFilter('site_id=like.4')).toThrow(FilterError);
    expect(() => parseFilter('nonsense')).toThrow(FilterError);
  });

  it('compares numbers numerically and everything else as text', () => {
    const row = { n: 10, s: 'b', missing: null };
    expect(matchesFilter(parseFilter('n=gt.9'), row)).toBe(true);
    expect(matchesFilter(parseFilter('n=lt.9'), row)).toBe(false);
    expect(matchesFilter(parseFilter('n=gte.10'), row)).toBe(true);
    expect(matchesFilter(parseFilter('n=lte.10'), row)).toBe(true);
    expect(matchesFilter(parseFilter('n=neq.10'), row)).toBe(false);
    expect(matchesFilter(parseFilter('s=gt.a'), row)).toBe(true);
    expect(matchesFilter(parseFilter('s=in.(a,b)'), row)).toBe(true);
    expect(matchesFilter(parseFilter('missing=eq.1'), row)).toBe(false);
    expect(matchesFilter(parseFilter('absent=neq.1'), row)).toBe(false);
  });
});
