/**
 * Wire format v2 (the compact one the tracker sends): accepted, expanded into exactly the v1
 * objects of the same events, and as strict as v1, with errors pointing at v2 positions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchV2,
  expandBatchV2,
  LIMITS,
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_BATCH,
  parseBatch,
  TYPE_CODES_V2,
} from '../src/index.js';
import { samePageLoad, toV2 } from './fixtures.js';

const TS = Date.UTC(2026, 10, 28, 12);
const envelope = {
  v: 2,
  s: 'demo',
  i: 'sess_0001',
  u: 'visitor_01',
  k: true,
  p: 'load_0001',
  w: [1440, 900],
  l: 'en-GB',
  z: 'Europe/London',
};
const v2 = (e: unknown[] = [[0, 0, TS, '/', '']], over: Record<string, unknown> = {}) => ({
  ...envelope,
  e,
  ...over,
});

describe('v2 expands into the v1 objects of the same events', () => {
  it('every kind, optional fields present and absent: the same objects, even the same JSON', () => {
    const v1 = samePageLoad();
    const compact = toV2(v1);
    const fromV1 = parseBatch(v1);
    const fromV2 = parseBatch(compact);
    expect(fromV1.error).toBeNull();
    expect(fromV2.error).toBeNull();
    expect(fromV2.data).toEqual(fromV1.data);
    expect(JSON.stringify(fromV2.data)).toBe(JSON.stringify(fromV1.data));
  });

  it('the automation flag, missing per-load fields and storage: false carry over', () => {
    const v1 = samePageLoad();
    for (const event of v1.events) {
      Object.assign(event, { storage: false, screen: undefined, language: undefined });
    }
    v1.automated = true;
    const fromV1 = parseBatch(JSON.parse(JSON.stringify(v1)));
    const fromV2 = parseBatch(JSON.stringify(toV2(v1)));
    expect(fromV2.data).toEqual(fromV1.data);
    expect(fromV2.data?.automated).toBe(true);
    expect(fromV2.data?.events[0]).not.toHaveProperty('screen');
  });

  it('holds for generated batches (property test)', () => {
    const text = (max: number) => fc.string({ maxLength: max });
    const path = fc.stringMatching(/^\/[a-z0-9/?=&_-]{0,40}$/);
    const kind = fc.oneof(
      fc.record({ type: fc.constant('pageview'), title: fc.option(text(20), { nil: undefined }) }),
      fc.record({
        type: fc.constant('heartbeat'),
        engagedMs: fc.integer({ min: 0, max: LIMITS.engagedMs }),
        // Absent: not measured (the tracker's core build sends null).
        scroll: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        interactions: fc.integer({ min: 0, max: LIMITS.interactions }),
        final: fc.option(fc.boolean(), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('custom'),
        name: fc.string({ minLength: 1, maxLength: 10 }),
        props: fc.option(
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 8 }),
            fc.oneof(
              text(10),
              fc.double({ noNaN: true, noDefaultInfinity: true }),
              fc.boolean(),
              fc.constant(null),
            ),
            { maxKeys: 5 },
          ),
          { nil: undefined },
        ),
      }),
      fc.record({ type: fc.constantFrom('outbound', 'download'), target: fc.webUrl() }),
      fc.record({
        type: fc.constant('vitals'),
        lcp: fc.option(fc.double({ min: 0, max: 600_000, noNaN: true }), { nil: undefined }),
        cls: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
      }),
    );
    const event = fc.record({
      ts: fc.integer({ min: LIMITS.minTimestamp, max: LIMITS.maxTimestamp }),
      url: path,
      referrer: fc.option(fc.webUrl(), { nil: undefined }),
      kind,
    });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (events, storage) => {
          const v1 = JSON.parse(
            JSON.stringify({
              v: 1,
              site: 'demo',
              events: events.map(({ kind: fields, ...rest }, i) => ({
                id: `page_load_1-${i}`,
                session: 'sess_0001',
                visitor: 'visitor_01',
                storage,
                screen: [390, 844],
                timeZone: 'Asia/Tokyo',
                ...rest,
                ...fields,
              })),
            }),
          ) as Parameters<typeof toV2>[0];
          const fromV1 = parseBatch(v1);
          const fromV2 = parseBatch(JSON.stringify(toV2(v1)));
          expect(fromV1.error).toBeNull();
          expect(fromV2.error).toBeNull();
          expect(JSON.stringify(fromV2.data)).toBe(JSON.stringify(fromV1.data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a null scroll as not measured: the heartbeat has no scroll at all', () => {
    const { data, error } = parseBatch(
      JSON.stringify({
        v: 2,
        s: 'demo',
        i: 'sess_0001',
        u: 'visitor_01',
        k: true,
        p: 'page_load_1',
        e: [[1, 0, 1795867200000, '/a', null, 5000, null, 2]],
      }),
    );
    expect(error).toBeNull();
    expect(data!.events[0]).toMatchObject({ type: 'heartbeat', engagedMs: 5000, interactions: 2 });
    expect(data!.events[0]).not.toHaveProperty('scroll');
  });

  it('expandBatchV2 is the expansion parseBatch applies', () => {
    const input = v2([[2, 7, TS, '/a', null, 'signup', { plan: 'pro' }]]);
    const parsed = BatchV2.parse(input);
    expect(expandBatchV2(parsed)).toEqual(parseBatch(input).data);
    expect(parseBatch(input).data?.events[0]).toEqual({
      id: 'load_0001-7',
      ts: TS,
      session: 'sess_0001',
      visitor: 'visitor_01',
      url: '/a',
      screen: [1440, 900],
      language: 'en-GB',
      timeZone: 'Europe/London',
      storage: true,
      type: 'custom',
      name: 'signup',
      props: { plan: 'pro' },
    });
  });

  it('type codes are the documented ones', () => {
    expect(TYPE_CODES_V2).toEqual({
      pageview: 0,
      heartbeat: 1,
      custom: 2,
      outbound: 3,
      download: 4,
      vitals: 5,
    });
  });
});

const valid: [string, unknown][] = [
  ['a single pageview', v2()],
  [
    'only the required envelope fields',
    { v: 2, s: 'd', i: 'ssssssss', u: 'vvvvvvvv', k: false, p: 'pppppppp', e: [[0, 0, TS, '/']] },
  ],
  [
    'trailing optional positions left out or null',
    v2([
      [1, 1, TS, '/', null, 0, 0, 0],
      [5, 2, TS, '/'],
      [5, 3, TS, '/', null, null, null, 0.1],
    ]),
  ],
  [
    'the maximum number of events',
    v2(Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => [0, i, TS, '/'])),
  ],
  [
    'the largest sequence number and load id',
    v2([[0, Number.MAX_SAFE_INTEGER, TS, '/']], { p: 'p'.repeat(LIMITS.loadId) }),
  ],
  [
    '20 props',
    v2([
      [
        2,
        0,
        TS,
        '/',
        '',
        'x',
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
      ],
    ]),
  ],
  ['unicode', v2([[2, 0, TS, '/caf%C3%A9/☕?q=日本', '', 'ünïcode', { ключ: 'значение' }]])],
  ['the automation flag', v2(undefined, { a: true })],
];

const invalid: [string, unknown, string, string][] = [
  // [name, input, first issue path, first issue code]
  ['no events', v2([]), 'e', 'too_small'],
  [
    'too many events',
    v2(Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => [0, i, TS, '/'])),
    'e',
    'too_big',
  ],
  ['an event that is an object', v2([{ type: 'pageview' }]), 'e.0', 'invalid_type'],
  ['an unknown type code', v2([[6, 0, TS, '/']]), 'e.0.0', 'invalid_union'],
  ['a type name instead of a code', v2([['pageview', 0, TS, '/']]), 'e.0.0', 'invalid_union'],
  ['a fractional type code', v2([[0.5, 0, TS, '/']]), 'e.0.0', 'invalid_union'],
  ['a position too many', v2([[3, 0, TS, '/', '', 'https://x.example/', 1]]), 'e.0', 'too_big'],
  ['a required position missing', v2([[1, 0, TS, '/', '', 5]]), 'e.0', 'too_small'],
  ['a negative sequence', v2([[0, -1, TS, '/']]), 'e.0.1', 'too_small'],
  ['a fractional sequence', v2([[0, 1.5, TS, '/']]), 'e.0.1', 'invalid_type'],
  ['timestamp in 1970', v2([[0, 0, 0, '/']]), 'e.0.2', 'too_small'],
  ['absolute url', v2([[0, 0, TS, 'https://evil.example/']]), 'e.0.3', 'invalid_format'],
  ['url too long', v2([[0, 0, TS, '/' + 'a'.repeat(LIMITS.url)]]), 'e.0.3', 'too_big'],
  ['referrer too long', v2([[0, 0, TS, '/', 'r'.repeat(LIMITS.referrer + 1)]]), 'e.0.4', 'too_big'],
  ['title too long', v2([[0, 0, TS, '/', '', 't'.repeat(LIMITS.title + 1)]]), 'e.0.5', 'too_big'],
  ['scroll over 100', v2([[1, 0, TS, '/', '', 1, 101, 0]]), 'e.0.6', 'too_big'],
  ['negative engagement', v2([[1, 0, TS, '/', '', -1, 0, 0]]), 'e.0.5', 'too_small'],
  ['final not a boolean', v2([[1, 0, TS, '/', '', 1, 0, 0, 1]]), 'e.0.8', 'invalid_type'],
  ['empty event name', v2([[2, 0, TS, '/', '', '']]), 'e.0.5', 'too_small'],
  [
    '21 props',
    v2([
      [
        2,
        0,
        TS,
        '/',
        '',
        'x',
        Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
      ],
    ]),
    'e.0.6',
    'custom',
  ],
  ['nested prop', v2([[2, 0, TS, '/', '', 'x', { a: { b: 1 } }]]), 'e.0.6.a', 'invalid_union'],
  ['empty target', v2([[4, 0, TS, '/', '', '']]), 'e.0.5', 'too_small'],
  ['cls over 100', v2([[5, 0, TS, '/', '', null, null, 101]]), 'e.0.7', 'too_big'],
  ['lcp over 600 s', v2([[5, 0, TS, '/', '', 600_001]]), 'e.0.5', 'too_big'],
  ['unknown key on the envelope', v2(undefined, { x: 1 }), '', 'unrecognized_keys'],
  ['a v1 key on the envelope', v2(undefined, { site: 'demo' }), '', 'unrecognized_keys'],
  ['site id with a slash', v2(undefined, { s: '../etc' }), 's', 'invalid_format'],
  ['short session id', v2(undefined, { i: 'abc' }), 'i', 'too_small'],
  ['visitor id with spaces', v2(undefined, { u: 'abc def ghi' }), 'u', 'invalid_format'],
  ['storage missing', { ...v2(), k: undefined }, 'k', 'invalid_type'],
  [
    'load id too long for the event ids',
    v2(undefined, { p: 'p'.repeat(LIMITS.loadId + 1) }),
    'p',
    'too_big',
  ],
  ['screen not a pair', v2(undefined, { w: [1] }), 'w', 'too_small'],
  ['language too long', v2(undefined, { l: 'x'.repeat(LIMITS.language + 1) }), 'l', 'too_big'],
  ['time zone not a string', v2(undefined, { z: 1 }), 'z', 'invalid_type'],
  ['null for an envelope field', v2(undefined, { w: null }), 'w', 'invalid_type'],
];

describe('v2 corpus', () => {
  it.each(valid)('accepts %s', (_name, input) => {
    const result = parseBatch(input);
    expect(result.error).toBeNull();
    expect(result.data?.v).toBe(1);
    expect(BatchV2.safeParse(input).success).toBe(true);
  });

  it.each(invalid)('rejects %s', (_name, input, path, issue) => {
    const result = parseBatch(input);
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe('invalid_batch');
    expect(result.error?.message).toBe('batch does not match the v2 schema');
    expect(result.error?.issues[0]).toMatchObject({ path, code: issue });
    expect(BatchV2.safeParse(input).success).toBe(false);
  });

  it('reports every bad event, by position, at most 20 issues', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => [0, i, TS, 'nope']);
    const { error } = parseBatch(v2(events));
    expect(error?.issues).toHaveLength(20);
    expect(error?.issues.map((issue) => issue.path).slice(0, 3)).toEqual([
      'e.0.3',
      'e.1.3',
      'e.2.3',
    ]);
  });

  it('parses raw JSON text and bytes, and applies the same byte cap', () => {
    const text = JSON.stringify(v2());
    expect(parseBatch(text).error).toBeNull();
    expect(parseBatch(new TextEncoder().encode(text)).error).toBeNull();
    expect(parseBatch(text.padEnd(MAX_BODY_BYTES + 1, ' ')).error?.code).toBe('body_too_large');
  });
});

describe('v2 under fuzzing', () => {
  it('parseBatch and the exported BatchV2 schema agree on every mutated batch', () => {
    const valid = v2([
      [0, 0, TS, '/', '', 'T'],
      [1, 1, TS, '/', '', 1, 2, 3, true],
      [2, 2, TS, '/', null, 'n', { a: 1 }],
      [3, 3, TS, '/', '', 'https://x.example/'],
      [5, 4, TS, '/', '', 1, 2, 0.1, 3, 4],
    ]);
    const keys = ['v', 's', 'i', 'u', 'k', 'p', 'w', 'l', 'z', 'a', 'e'];
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(fc.constantFrom(...keys), fc.jsonValue())
            .map(([key, value]) => ({ ...valid, [key]: value })),
          fc
            .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 10 }), fc.jsonValue())
            .map(([event, position, value]) => {
              const e = (valid.e as unknown[][]).map((x) => [...x]);
              e[event]![position] = value;
              return { ...valid, e };
            }),
        ),
        (input) => {
          const result = parseBatch(input);
          expect(result.error === null).toBe(BatchV2.safeParse(input).success);
          if (result.error) {
            expect(result.error.issues.length).toBeGreaterThan(0);
            expect(result.error.issues.length).toBeLessThanOrEqual(20);
          } else {
            expect(parseBatch(result.data).data).toEqual(result.data); // canonical v1, valid
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws on arbitrary values labelled v2', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('s', 'i', 'u', 'k', 'p', 'e', 'w'), fc.jsonValue()),
        (value) => {
          const result = parseBatch({ ...value, v: 2 });
          expect(result.data === null).toBe(result.error !== null);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
