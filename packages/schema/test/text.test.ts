/**
 * Text Postgres cannot store must never pass the schema unchanged: U+0000 and unpaired
 * surrogates in a schema-valid beacon failed `ingest_batch` on every retry and stopped every
 * later event of the site from being stored. Encoded fields refuse such text, free text is
 * normalised; whatever passes is storable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, isStorableText, parseBatch, type Event } from '../src/index.js';
import { batch, pageview } from './fixtures.js';

/** Strings from all of Unicode, biased towards what breaks storage and display. */
const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\t',
    '\n',
    '\r',
    '\u007f',
    '\u0085',
    '\u009f',
    '\ud800',
    '\udbff',
    '\udc00',
    '\udfff',
    '\u202e',
    '\u2066',
    '\u2069',
    '\u200f',
    '\ufeff',
    '\ufffe',
    '😀',
    '𝕏',
    '<',
    '"',
    '\\',
  ),
);
const hostile = (maxLength: number) => fc.string({ unit: hostileUnit, maxLength });

/** Every string anywhere in a value (keys included). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

describe('cleanText', () => {
  it('replaces unpaired surrogates, turns breaks into spaces and drops other controls', () => {
    expect(cleanText('Sale\n\u0000now\t\ud800!')).toBe('Sale now \ufffd!');
    expect(cleanText('\udc00\ud83d\ude00\ud83d')).toBe('\ufffd😀\ufffd');
    expect(cleanText('a\u0085b\u009fc\u007f')).toBe('a bc');
  });

  it('keeps what is storable as it is, bidi controls included (the dashboard isolates them)', () => {
    for (const text of ['Pricing', 'مرحبا \u202eevil', '𝕏 😀', ''])
      expect(cleanText(text)).toBe(text);
  });

  it('cuts to a limit without splitting a surrogate pair', () => {
    expect(cleanText('a😀', 2)).toBe('a');
    expect(cleanText('😀😀', 3)).toBe('😀');
    expect(cleanText('abc', 2)).toBe('ab');
  });

  it('always returns storable text, never longer, and is idempotent', () => {
    fc.assert(
      fc.property(hostile(64), fc.integer({ min: 0, max: 70 }), (text, max) => {
        const clean = cleanText(text);
        expect(isStorableText(clean)).toBe(true);
        expect(clean.length).toBeLessThanOrEqual(text.length);
        expect(cleanText(clean)).toBe(clean);
        const cut = cleanText(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(isStorableText(cut)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseBatch with hostile text', () => {
  const custom = (over: Record<string, unknown>): Event => {
    const { title: _title, ...rest } = pageview() as Event & { title?: string };
    return { ...rest, type: 'custom', name: 'signup', ...over };
  };

  it.each([
    ['url', { url: '/a\u0000b' }],
    ['url', { url: '/a\ud800' }],
    ['referrer', { referrer: 'https://x.test/\u0007' }],
    ['language', { language: 'en\u0000' }],
    ['timeZone', { timeZone: 'Europe/\udfffBerlin' }],
  ])('refuses control characters and unpaired surrogates in %s (invalid_format)', (field, over) => {
    const { error } = parseBatch(batch([pageview(over)]));
    expect(error?.issues).toEqual([
      {
        code: 'invalid_format',
        path: `events.0.${field}`,
        message: 'control characters and unpaired surrogates are not allowed',
      },
    ]);
  });

  it('refuses them in an outbound target, and in the v2 form at the position', () => {
    const target = { ...pageview(), type: 'outbound', target: 'https://x.test/\u0000' };
    expect(parseBatch(batch([target])).error?.issues[0]?.path).toBe('events.0.target');
    const v2 = { v: 2, s: 'demo', i: 'ses_12345678', u: 'vis_12345678', k: true, p: 'load1234' };
    const { error } = parseBatch({ ...v2, e: [[0, 0, Date.now(), '/\u0000']] });
    expect(error?.issues[0]).toMatchObject({ code: 'invalid_format', path: 'e.0.3' });
  });

  it('normalises the title, the event name and property keys and values', () => {
    const { data } = parseBatch(
      batch([
        pageview({ title: 'Sale\n\ud800' }),
        custom({ name: 'sign\u0000up', props: { 'pl\u0000an': 'pro\udfff', n: 1 } }),
      ]),
    );
    expect(data?.events[0]).toMatchObject({ title: 'Sale \ufffd' });
    expect(data?.events[1]).toMatchObject({ name: 'signup', props: { plan: 'pro\ufffd', n: 1 } });
  });

  it('refuses an event name or property key that is empty once normalised', () => {
    const { error } = parseBatch(batch([custom({ name: '\u0000', props: { '\u0001': 1 } })]));
    expect(error?.issues.map((i) => [i.code, i.path])).toEqual([
      ['too_small', 'events.0.name'],
      ['invalid_key', 'events.0.props.\u0001'],
    ]);
  });

  it('passes only storable text, whatever it is given in every string field and prop', () => {
    const event = fc.record({
      url: hostile(20).map((s) => `/${s}`),
      referrer: hostile(20),
      language: hostile(10),
      timeZone: hostile(10),
      title: hostile(40),
      name: hostile(20),
      props: fc.dictionary(hostile(8), fc.oneof(hostile(20), fc.integer()), { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(event, fc.boolean(), (e, asCustom) => {
        const { title, name, props, ...rest } = e;
        const input = asCustom
          ? custom({ ...rest, name, props })
          : pageview({ ...(rest as Partial<Event>), title });
        for (const body of [batch([input]), JSON.stringify(batch([input]))]) {
          const { data, error } = parseBatch(body);
          if (error) expect(error.code).toBe('invalid_batch');
          else for (const text of strings(data)) expect(isStorableText(text)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
