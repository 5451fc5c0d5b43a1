/**
 * Generated hostile beacons: every one must be refused (4xx) or, for bot traffic, answered 202
 * and counted as a bot — never a 5xx and never a write. Deterministic (seeded) so a failure can
 * be replayed by its index.
 */
import { mulberry32 } from '@sightline/test-utils';
import { CHROME_UA } from '../../src/beacons.js';

export interface Hostile {
  kind: string;
  body: Buffer | string;
  headers: Record<string, string>;
  /** Bot traffic is accepted with 202 and counted as bots (nothing written). */
  bot?: boolean;
}

const UNICODE_EDGES = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u0000', // NUL
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff', // BOM inside a value
  'ｓｉｔｅ', // full-width letters
  'e\u0301', // combining accent
  '😀',
  '\u{10ffff}',
  'Ω',
  '\u2028', // line separator
];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  Number.POSITIVE_INFINITY, // serialises as null; 1e400 as raw text is in 'schema violations'
  '',
  'x',
  [],
  {},
  [1, 2, 3],
  { nested: { deeper: true } },
  '9'.repeat(400),
];

const BOT_UAS = [
  'curl/8.5.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
  'python-requests/2.32.3',
];

export function hostilePayloads(site: string, count: number, seed = 10): Hostile[] {
  const r = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const n = (max: number) => Math.floor(r() * max);
  const okHeaders = (): Record<string, string> => ({
    'content-type': 'text/plain;charset=UTF-8',
    origin: 'https://example.com',
    'user-agent': CHROME_UA,
    'cf-connecting-ip': `198.51.100.${n(250)}`,
  });
  let seq = 0;
  const event = (): Record<string, unknown> => ({
    type: 'pageview',
    id: `evt_hostile_${seed}_${seq++}`,
    ts: Date.now(),
    session: `ses_hostile_${n(1e6)}`,
    visitor: `vis_hostile_${n(1e6)}`,
    url: '/products/1',
    storage: true,
  });
  const valid = () => ({ v: 1, site, events: [event()] });

  const makers: [string, () => Hostile][] = [
    [
      'truncated JSON',
      () => {
        const text = JSON.stringify(valid());
        return {
          kind: 'truncated JSON',
          body: text.slice(0, 1 + n(text.length - 2)),
          headers: okHeaders(),
        };
      },
    ],
    [
      'random bytes',
      () => ({
        kind: 'random bytes',
        body: Buffer.from(Array.from({ length: 1 + n(2_000) }, () => n(256))),
        headers: okHeaders(),
      }),
    ],
    [
      'invalid UTF-8',
      () => {
        // Structural (outside any string) or inside an id. Inside a free-text value (url, title)
        // the schema's non-fatal TextDecoder turns it into U+FFFD and accepts the event: see the
        // bench report; not counted as hostile here.
        const text = JSON.stringify(valid());
        const bad = [
          Buffer.from([0xc0, 0xaf]),
          Buffer.from([0xff, 0xfe]),
          Buffer.from([0xed, 0xa0, 0x80]),
        ];
        const inId = text.indexOf('"evt_') + 5;
        const at = pick([0, inId, text.length]);
        const bytes = Buffer.from(text);
        return {
          kind: 'invalid UTF-8',
          body: Buffer.concat([bytes.subarray(0, at), pick(bad), bytes.subarray(at)]),
          headers: okHeaders(),
        };
      },
    ],
    [
      'wrong type (batch field)',
      () => {
        const b: Record<string, unknown> = valid();
        b[pick(['v', 'site', 'events'])] = pick(WRONG_VALUES);
        return { kind: 'wrong type (batch field)', body: JSON.stringify(b), headers: okHeaders() };
      },
    ],
    [
      'wrong type (event field)',
      () => {
        const e = event();
        const key = pick(['type', 'id', 'ts', 'session', 'visitor', 'url', 'storage', 'screen']);
        let value = pick(WRONG_VALUES);
        // `storage: true/false` and `screen` absent are valid: make sure the value is wrong.
        if (key === 'storage' && typeof value === 'boolean') value = 'yes';
        e[key] = value;
        return {
          kind: 'wrong type (event field)',
          body: JSON.stringify({ v: 1, site, events: [e] }),
          headers: okHeaders(),
        };
      },
    ],
    [
      'string over its limit',
      () => {
        const e = event();
        const [key, limit] = pick([
          ['url', 1024],
          ['referrer', 1024],
          ['id', 64],
          ['session', 64],
          ['visitor', 64],
          ['language', 35],
          ['timeZone', 64],
        ] as const);
        const len = limit + 1 + n(3_000);
        e[key] = key === 'url' ? '/' + 'a'.repeat(len) : 'a'.repeat(len);
        return {
          kind: 'string over its limit',
          body: JSON.stringify({ v: 1, site, events: [e] }),
          headers: okHeaders(),
        };
      },
    ],
    [
      'body over 16 KB',
      () => ({
        kind: 'body over 16 KB',
        body: JSON.stringify({ ...valid(), pad: 'x'.repeat(16 * 1024 + n(50_000)) }),
        headers: okHeaders(),
      }),
    ],
    [
      'deep nesting',
      () => {
        const depth = 20 + n(5_000);
        const body =
          r() < 0.5
            ? '['.repeat(depth) + ']'.repeat(depth)
            : JSON.stringify({
                v: 1,
                site,
                events: [{ ...event(), type: 'custom', name: 'x', props: {} }],
              }).replace('"props":{}', `"props":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
        return { kind: 'deep nesting', body, headers: okHeaders() };
      },
    ],
    [
      'unicode edge in an id',
      () => {
        const e = event();
        const key = pick(['id', 'session', 'visitor'] as const);
        e[key] = `${String(e[key])}${pick(UNICODE_EDGES)}`;
        const b =
          r() < 0.2
            ? { v: 1, site: site + pick(UNICODE_EDGES), events: [event()] }
            : { v: 1, site, events: [e] };
        return { kind: 'unicode edge in an id', body: JSON.stringify(b), headers: okHeaders() };
      },
    ],
    [
      'schema violations',
      () => {
        const cases = [
          () => ({ ...valid(), v: 2 }),
          () => ({ v: 1, site, events: [] }),
          () => ({ v: 1, site, events: Array.from({ length: 51 + n(20) }, event) }),
          () => ({ ...valid(), admin: true }),
          () => ({ v: 1, site, events: [{ ...event(), ts: 1 }] }),
          () => ({ v: 1, site, events: [{ ...event(), url: 'https://evil.test/' }] }),
          () => ({
            v: 1,
            site,
            events: [
              { ...event(), type: 'heartbeat', engagedMs: -1, scroll: 101, interactions: 0 },
            ],
          }),
          () => ({ v: 1, site, events: [{ ...event(), type: 'purchase' }] }),
          () => ({ v: 1, site, events: [{ ...event(), extra: 'field' }] }),
        ];
        return {
          kind: 'schema violations',
          body: JSON.stringify(pick(cases)()),
          headers: okHeaders(),
        };
      },
    ],
    [
      'prototype pollution',
      () => ({
        kind: 'prototype pollution',
        body: pick([
          `{"v":1,"site":"${site}","events":[],"__proto__":{"polluted":true}}`,
          `{"constructor":{"prototype":{"polluted":true}}}`,
          `{"v":1,"site":"${site}","events":[{"__proto__":{"type":"pageview"}}]}`,
        ]),
        headers: okHeaders(),
      }),
    ],
    [
      'unknown or hostile site id',
      () => ({
        kind: 'unknown or hostile site id',
        body: JSON.stringify({
          ...valid(),
          site: pick([
            '../../etc/passwd',
            'a/b',
            'nope_' + n(1e9),
            "x' or 1=1 --",
            '%00',
            'demo\n',
          ]),
        }),
        headers: okHeaders(),
      }),
    ],
    [
      'header abuse: origin',
      () => {
        const headers = okHeaders();
        const origin = pick([
          'https://evil.test',
          'null',
          'https://example.com.evil.test',
          '\u0000',
          'javascript:alert(1)',
          '',
        ]);
        if (origin === '') delete headers.origin;
        else headers.origin = origin.replace('\u0000', '%00');
        return { kind: 'header abuse: origin', body: JSON.stringify(valid()), headers };
      },
    ],
    [
      'header abuse: sizes and types',
      () => {
        const headers: Record<string, string> = { ...okHeaders(), origin: 'https://evil.test' };
        const variant = n(4);
        if (variant === 0) headers['user-agent'] = 'A'.repeat(1_000 + n(7_000));
        if (variant === 1)
          headers['content-type'] = pick([
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'image/png',
            'application/json; charset=utf-32',
          ]);
        if (variant === 2)
          headers['cf-connecting-ip'] = pick([
            'not-an-ip',
            '999.999.999.999',
            '::ffff:1.2.3.4',
            'x'.repeat(500),
          ]);
        if (variant === 3) for (let i = 0; i < 50; i++) headers[`x-junk-${i}`] = 'j'.repeat(n(100));
        return { kind: 'header abuse: sizes and types', body: JSON.stringify(valid()), headers };
      },
    ],
    [
      'bot user agent',
      () => ({
        kind: 'bot user agent',
        body: JSON.stringify(valid()),
        headers: { ...okHeaders(), 'user-agent': pick(BOT_UAS) },
        bot: true,
      }),
    ],
    [
      'automated flag',
      () => ({
        kind: 'automated flag',
        body: JSON.stringify({ ...valid(), automated: true }),
        headers: okHeaders(),
        bot: true,
      }),
    ],
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]![1]());
}
