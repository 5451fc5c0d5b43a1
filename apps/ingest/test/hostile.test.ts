import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSite, batch, CHROME_UA, newVisit, pageview, post } from './support/helpers.js';
import { batchesOf, stats } from './support/site-live.js';

const REFUSED = [400, 403, 404, 413];

describe('hostile input', async () => {
  const site = await addSite();
  const good = pageview(newVisit());
  const corpus: [string, string | Uint8Array][] = [
    ['empty body', ''],
    ['null', 'null'],
    ['array', '[]'],
    ['empty object', '{}'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['truncated JSON', '{"v":1,"site":'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['a NUL byte', `{"v":1,"site":"${site.id}\u0000"}`],
    ['deep nesting', '['.repeat(5_000) + ']'.repeat(5_000)],
    ['wrong version', JSON.stringify({ ...batch(site.id, [good]), v: 2 })],
    ['no events', JSON.stringify(batch(site.id, []))],
    [
      '51 events',
      JSON.stringify(
        batch(
          site.id,
          Array.from({ length: 51 }, () => pageview(newVisit())),
        ),
      ),
    ],
    ['unknown field', JSON.stringify({ ...batch(site.id, [good]), admin: true })],
    ['__proto__', `{"v":1,"site":"${site.id}","events":[],"__proto__":{"polluted":true}}`],
    ['constructor.prototype', `{"constructor":{"prototype":{"polluted":true}}}`],
    ['site path traversal', JSON.stringify(batch('../../etc/passwd', [good]))],
    ['site with a slash', JSON.stringify(batch('a/b', [good]))],
    ['event id with spaces', JSON.stringify(batch(site.id, [{ ...good, id: 'has spaces in it' }]))],
    [
      'url without a slash',
      JSON.stringify(batch(site.id, [{ ...good, url: 'https://evil.test/' }])),
    ],
    [
      '1e400 timestamp',
      `{"v":1,"site":"${site.id}","events":[${JSON.stringify(good).replace(/"ts":\d+/, '"ts":1e400')}]}`,
    ],
    [
      'negative scroll',
      JSON.stringify(
        batch(site.id, [{ ...good, type: 'heartbeat', engagedMs: 1, scroll: -1, interactions: 0 }]),
      ),
    ],
    ['unknown type', JSON.stringify(batch(site.id, [{ ...good, type: 'purchase' }]))],
    ...(
      [
        ['v2: unknown type code', [[9, 0, Date.now(), '/']]],
        ['v2: event as an object', [{ type: 'pageview' }]],
        ['v2: 100 positions', [[0, 0, Date.now(), '/', ...Array<null>(96).fill(null)]]],
        ['v2: negative sequence', [[0, -1, Date.now(), '/']]],
        ['v2: url without a slash', [[0, 0, Date.now(), 'https://evil.test/']]],
      ] as const
    ).map(([name, events]): [string, string] => [
      name,
      JSON.stringify({
        v: 2,
        s: site.id,
        i: 'ses_hostile',
        u: 'vis_hostile',
        k: true,
        p: 'load_hostile',
        e: events,
      }),
    ]),
    ['16 KB + 1', `{"v":1,"site":"${site.id}","pad":"${'x'.repeat(16 * 1024)}"}`],
    ['4-byte characters over the cap', `"${'😀'.repeat(4_200)}"`],
  ];

  it.each(corpus)('%s → 4xx, nothing stored', async (_name, body) => {
    const res = await post(body);
    expect(REFUSED).toContain(res.status);
    const json = await res.json<{ error: { code: string; message: string; issues: unknown[] } }>();
    expect(typeof json.error.code).toBe('string');
    expect(Array.isArray(json.error.issues)).toBe(true);
  });

  it('odd methods, paths and headers never give a 5xx', async () => {
    const requests: [string, RequestInit][] = [
      ['https://ingest.test/v1/events', { method: 'GET' }],
      ['https://ingest.test/v1/events', { method: 'PUT', body: 'x' }],
      ['https://ingest.test/v1/events', { method: 'DELETE' }],
      [
        'https://ingest.test/v1/events',
        { method: 'POST', headers: { 'content-length': '-5' }, body: '' },
      ],
      [
        'https://ingest.test/v1/events',
        {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body: '--x--',
        },
      ],
      ['https://ingest.test/v1/sites/' + 'a'.repeat(300) + '/live', {}],
      ['https://ingest.test/v1/sites/%E0%A4%A/live', {}],
      ['https://ingest.test/s.js', { headers: { 'if-none-match': '"' } }],
      ['https://ingest.test/%2e%2e/%2e%2e/etc/passwd', {}],
    ];
    for (const [url, init] of requests) {
      const res = await SELF.fetch(url, init);
      expect(res.status, `${init.method ?? 'GET'} ${url}`).toBeLessThan(500);
      await res.body?.cancel();
    }
  });

  it('fuzzed bodies never give a 5xx (random JSON, mutated batches, random bytes)', async () => {
    const mutated = fc
      .record({
        v: fc.oneof(fc.constant(1), fc.anything()),
        site: fc.oneof(fc.constant(site.id), fc.string()),
        events: fc.oneof(
          fc.array(fc.anything(), { maxLength: 3 }),
          fc.array(
            fc.record({ ...Object.fromEntries(Object.keys(good).map((k) => [k, fc.anything()])) }),
            { maxLength: 2 },
          ),
        ),
      })
      .map((value) => JSON.stringify(value));
    const bodies = fc.oneof(fc.json(), fc.string(), mutated, fc.uint8Array({ maxLength: 2_000 }));
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await post(body);
        await res.body?.cancel();
        return res.status < 500;
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('wrote nothing for all of it', async () => {
    const s = await stats(site.id);
    expect(s.accepted).toBe(0);
    expect(await batchesOf(site.id)).toEqual([]);
    expect(await env.SITES_KV.get(`live:${site.id}`)).toBeNull();
  });

  it('a valid beacon right after still goes through', async () => {
    const res = await post(batch(site.id, [pageview(newVisit())]), { ua: CHROME_UA });
    expect(res.status).toBe(202);
  });
});
