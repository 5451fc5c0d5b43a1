import { describe, expect, it } from 'vitest';
import { LIMITS, MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, parseBatch } from '../src/index.js';
import { base, batch, pageview } from './fixtures.js';

const valid: [string, unknown][] = [
  ['a single pageview', batch()],
  [
    'every event kind',
    batch([
      pageview(),
      { ...base(), type: 'heartbeat', engagedMs: 15_000, scroll: 80, interactions: 3, final: true },
      {
        ...base(),
        type: 'custom',
        name: 'signup',
        props: { plan: 'pro', seats: 3, trial: true, coupon: null },
      },
      { ...base(), type: 'outbound', target: 'https://example.org/x' },
      { ...base(), type: 'download', target: 'https://example.com/report.pdf' },
      { ...base(), type: 'vitals', lcp: 1800, inp: 120, cls: 0.02, ttfb: 200 },
    ]),
  ],
  [
    'only the required fields',
    batch([
      {
        id: 'abcdefgh',
        ts: Date.UTC(2026, 0, 1),
        session: 'ssssssss',
        visitor: 'vvvvvvvv',
        url: '/',
        storage: false,
        type: 'pageview',
      },
    ]),
  ],
  [
    'the maximum number of events',
    batch(
      Array.from({ length: MAX_EVENTS_PER_BATCH }, () =>
        pageview({ referrer: undefined, title: undefined }),
      ),
    ),
  ],
  [
    'unicode in paths and props',
    batch([
      {
        ...base(),
        url: '/caf%C3%A9/☕?q=日本',
        type: 'custom',
        name: 'ünïcode',
        props: { ключ: 'значение' },
      },
    ]),
  ],
  [
    '20 props',
    batch([
      {
        ...base(),
        type: 'custom',
        name: 'x',
        props: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
      },
    ]),
  ],
  ['the automation flag', batch([pageview()], { automated: true })],
  [
    'revenue, either sign, at the bounds',
    batch(
      [-LIMITS.revenueAmount, 0, 29.9, LIMITS.revenueAmount].map((amount) => ({
        ...base(),
        type: 'custom',
        name: 'purchase',
        props: { plan: 'pro' },
        revenue: { amount, currency: 'EUR' },
      })),
    ),
  ],
];

const invalid: [string, unknown, string, string][] = [
  // [name, input, error code, first issue code]
  ['not an object', 42, 'invalid_batch', 'invalid_type'],
  ['null', null, 'invalid_batch', 'invalid_type'],
  ['unknown version', batch([pageview()], { v: 3 }), 'invalid_batch', 'invalid_value'],
  ['a v1 body labelled v2', batch([pageview()], { v: 2 }), 'invalid_batch', 'invalid_type'],
  ['no events', batch([]), 'invalid_batch', 'too_small'],
  [
    'too many events',
    batch(Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => pageview())),
    'invalid_batch',
    'too_big',
  ],
  [
    'unknown event type',
    batch([{ ...base(), type: 'purchase' }]),
    'invalid_batch',
    'invalid_union',
  ],
  [
    'unknown key on the batch',
    batch([pageview()], { extra: 1 }),
    'invalid_batch',
    'unrecognized_keys',
  ],
  [
    'unknown key on an event',
    batch([{ ...pageview(), cookie: 'x' }]),
    'invalid_batch',
    'unrecognized_keys',
  ],
  [
    'absolute url',
    batch([pageview({ url: 'https://evil.example/' })]),
    'invalid_batch',
    'invalid_format',
  ],
  [
    'url too long',
    batch([pageview({ url: '/' + 'a'.repeat(LIMITS.url) })]),
    'invalid_batch',
    'too_big',
  ],
  ['short event id', batch([pageview({ id: 'abc' })]), 'invalid_batch', 'too_small'],
  [
    'event id with spaces',
    batch([pageview({ id: 'abc def ghi' })]),
    'invalid_batch',
    'invalid_format',
  ],
  ['timestamp in 1970', batch([pageview({ ts: 0 })]), 'invalid_batch', 'too_small'],
  [
    'fractional timestamp',
    batch([pageview({ ts: 1.5e12 + 0.5 })]),
    'invalid_batch',
    'invalid_type',
  ],
  [
    'scroll over 100',
    batch([{ ...base(), type: 'heartbeat', engagedMs: 1, scroll: 101, interactions: 0 }]),
    'invalid_batch',
    'too_big',
  ],
  [
    'negative engagement',
    batch([{ ...base(), type: 'heartbeat', engagedMs: -1, scroll: 0, interactions: 0 }]),
    'invalid_batch',
    'too_small',
  ],
  [
    '21 props',
    batch([
      {
        ...base(),
        type: 'custom',
        name: 'x',
        props: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
      },
    ]),
    'invalid_batch',
    'custom',
  ],
  [
    'nested prop',
    batch([{ ...base(), type: 'custom', name: 'x', props: { a: { b: 1 } } }]),
    'invalid_batch',
    'invalid_union',
  ],
  [
    'revenue above the bound',
    batch([
      {
        ...base(),
        type: 'custom',
        name: 'x',
        revenue: { amount: LIMITS.revenueAmount + 1, currency: 'EUR' },
      },
    ]),
    'invalid_batch',
    'too_big',
  ],
  [
    'revenue in a lower-case currency',
    batch([{ ...base(), type: 'custom', name: 'x', revenue: { amount: 1, currency: 'eur' } }]),
    'invalid_batch',
    'invalid_format',
  ],
  [
    'revenue as a string amount',
    batch([{ ...base(), type: 'custom', name: 'x', revenue: { amount: '1', currency: 'EUR' } }]),
    'invalid_batch',
    'invalid_type',
  ],
  [
    'revenue with an extra field',
    batch([
      { ...base(), type: 'custom', name: 'x', revenue: { amount: 1, currency: 'EUR', tax: 0 } },
    ]),
    'invalid_batch',
    'unrecognized_keys',
  ],
  [
    'empty event name',
    batch([{ ...base(), type: 'custom', name: '' }]),
    'invalid_batch',
    'too_small',
  ],
  [
    'site id with a slash',
    batch([pageview()], { site: '../etc' }),
    'invalid_batch',
    'invalid_format',
  ],
  [
    'storage missing',
    batch([{ ...pageview(), storage: undefined }]),
    'invalid_batch',
    'invalid_type',
  ],
  [
    'prototype pollution key',
    JSON.parse('{"v":1,"site":"demo","events":[],"__proto__":{"x":1}}'),
    'invalid_batch',
    'too_small',
  ],
];

describe('parseBatch corpus', () => {
  it.each(valid)('accepts %s', (_name, input) => {
    const result = parseBatch(input);
    expect(result.error).toBeNull();
    expect(result.data).toEqual(input);
  });

  it.each(invalid)('rejects %s', (_name, input, code, issue) => {
    const result = parseBatch(input);
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe(code);
    expect(result.error?.issues[0]?.code).toBe(issue);
  });

  it('parses raw JSON text and bytes', () => {
    const text = JSON.stringify(batch());
    expect(parseBatch(text).error).toBeNull();
    expect(parseBatch(new TextEncoder().encode(text)).error).toBeNull();
  });

  it('reports where the problem is', () => {
    const { error } = parseBatch(batch([pageview(), pageview({ url: 'nope' })]));
    expect(error?.issues[0]?.path).toBe('events.1.url');
  });

  it('rejects bytes that are not valid UTF-8', () => {
    const text = new TextEncoder().encode(JSON.stringify(batch()));
    const broken = new Uint8Array([...text.subarray(0, 40), 0xff, 0xfe, ...text.subarray(40)]);
    expect(parseBatch(broken).error?.code).toBe('invalid_json');
  });

  it('rejects text that is not JSON', () => {
    expect(parseBatch('{"v":1,').error?.code).toBe('invalid_json');
    expect(parseBatch('').error?.code).toBe('invalid_json');
  });

  it('rejects bodies over the byte cap before parsing them', () => {
    const big = JSON.stringify(batch()) + ' '.repeat(MAX_BODY_BYTES);
    expect(parseBatch(big).error?.code).toBe('body_too_large');
    expect(parseBatch(new Uint8Array(MAX_BODY_BYTES + 1)).error?.code).toBe('body_too_large');
  });

  it('counts bytes, not characters: multi-byte text near the cap', () => {
    // 6,000 three-byte characters are 18,000 bytes but only 6,000 UTF-16 units.
    const text = JSON.stringify({ pad: '€'.repeat(6000) });
    expect(text.length).toBeLessThan(MAX_BODY_BYTES);
    expect(parseBatch(text).error?.code).toBe('body_too_large');
  });

  it('keeps error responses small however broken the input', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, () => ({ type: 'pageview' }));
    const { error } = parseBatch(batch(events));
    expect(error?.issues.length).toBeLessThanOrEqual(20);
  });
});
