/**
 * Inside workerd: the built client (dist/) with the runtime's own fetch, against the real
 * PostgREST of the devstack, and against a fetch handler living in the same Worker.
 */
import { describe, expect, inject, it } from 'vitest';
import { PostgrestClient, PostgrestError } from '../../dist/index.js';

const url = inject('restUrl');
const headers = { apikey: inject('anonKey') };

describe('in the Workers runtime', () => {
  it('runs in workerd, not Node', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });

  it('reads from the real PostgREST with the global fetch', async () => {
    const db = new PostgrestClient(url, { headers, timeout: 10_000 });
    const { data, error, count, status } = await db
      .from('items')
      .select('id, name', { count: 'exact' })
      .in('name', ['Zürich, "Lake" (north)', 'red apple'])
      .order('id');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(count).toBe(2);
    expect(data).toEqual([
      { id: 1, name: 'red apple' },
      { id: 4, name: 'Zürich, "Lake" (north)' },
    ]);
  });

  it('writes with return=minimal, calls rpc and maps errors', async () => {
    const db = new PostgrestClient(url, { headers });
    expect(await db.from('strings').insert({ s: 'from workerd' })).toMatchObject({
      status: 201,
      data: null,
      error: null,
    });
    expect((await db.rpc('add', { a: 40, b: 2 }, { get: true })).data).toBe(42);
    const missing = await db.from('nope').select();
    expect(missing.status).toBe(404);
    expect(missing.error).toBeInstanceOf(PostgrestError);
  });

  it('times out with AbortSignal.timeout/any as shipped by workerd', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)),
      );
    const db = new PostgrestClient('http://stub', { fetch: hang, retry: false, timeout: 20 });
    const ac = new AbortController();
    const res = await db.from('t').select().abortSignal(ac.signal);
    expect(res.error?.code).toBe('TIMEOUT');
  });

  it('talks to a fetch handler inside the Worker', async () => {
    // A PostgREST stand-in written as a Worker fetch handler, called through Request objects.
    const handler = (req: Request): Response => {
      const u = new URL(req.url);
      return Response.json(
        [{ path: u.pathname, id: u.searchParams.get('id'), prefer: req.headers.get('prefer') }],
        {
          headers: { 'content-range': '0-0/1' },
        },
      );
    };
    const db = new PostgrestClient('https://edge.example/rest/v1', {
      fetch: (input, init) => Promise.resolve(handler(new Request(input, init))),
    });
    const res = await db.from('items').select('*', { count: 'exact' }).eq('id', 7).maybeSingle();
    expect(res).toMatchObject({
      data: { path: '/rest/v1/items', id: 'eq.7', prefer: 'count=exact' },
      count: 1,
    });
  });
});
