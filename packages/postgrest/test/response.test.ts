/**
 * Response mapping: data, count, status, errors as values or thrown, singular responses, and the
 * minimal path that never reads a body. PostgREST is stood in for by canned Responses here; the
 * same behaviour against the real server is in integration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { PostgrestClient, PostgrestError } from '../src/index.js';
import { captureFetch } from './helpers/capture.js';

const json = (body: unknown, init: ResponseInit = {}): Response =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });

const client = (respond: () => Response) =>
  new PostgrestClient('http://127.0.0.1:1/rest/v1', {
    fetch: captureFetch(respond).fetch,
    retry: false,
  });

describe('results', () => {
  it('returns rows, status and statusText', async () => {
    const res = await client(() => json([{ id: 1 }], { status: 200, statusText: 'OK' }))
      .from('t')
      .select();
    expect(res).toEqual({
      data: [{ id: 1 }],
      error: null,
      count: null,
      status: 200,
      statusText: 'OK',
    });
  });

  it('reads count from Content-Range when a count was asked for', async () => {
    const c = client(() =>
      json([{ id: 1 }], { status: 206, headers: { 'content-range': '0-0/42' } }),
    );
    expect((await c.from('t').select('*', { count: 'exact' })).count).toBe(42);
    // Without `count` the header is ignored, like postgrest-js.
    expect((await c.from('t').select('*')).count).toBeNull();
  });

  it('gives a null count for an unknown total (*/ form)', async () => {
    const c = client(() => json([], { headers: { 'content-range': '*/*' } }));
    expect((await c.from('t').select('*', { count: 'planned' })).count).toBeNull();
  });

  it('HEAD reads no body and returns null data with the count', async () => {
    const c = client(
      () => new Response(null, { status: 200, headers: { 'content-range': '*/7' } }),
    );
    const res = await c.from('t').select('*', { head: true, count: 'exact' });
    expect(res).toMatchObject({ data: null, error: null, count: 7 });
  });

  it('returns csv as text', async () => {
    const res = await client(() => new Response('id\n1\n'))
      .from('t')
      .select()
      .csv();
    expect(res.data).toBe('id\n1\n');
  });

  it('maps a PostgREST error body to a PostgrestError value', async () => {
    const body = {
      code: '23505',
      details: 'Key (id)=(1) already exists.',
      hint: null,
      message: 'duplicate key',
    };
    const res = await client(() => json(body, { status: 409, statusText: 'Conflict' }))
      .from('t')
      .insert({ id: 1 });
    expect(res.data).toBeNull();
    expect(res.status).toBe(409);
    expect(res.error).toBeInstanceOf(PostgrestError);
    expect(res.error).toMatchObject({
      code: '23505',
      details: 'Key (id)=(1) already exists.',
      hint: '',
      message: 'duplicate key',
    });
    expect(JSON.parse(JSON.stringify(res.error))).toEqual({
      name: 'PostgrestError',
      ...body,
      hint: '',
    });
  });

  it('keeps a non-JSON error page as the message', async () => {
    const res = await client(() => new Response('<h1>Bad gateway</h1>', { status: 502 }))
      .from('t')
      .select();
    expect(res.error).toMatchObject({ message: '<h1>Bad gateway</h1>', code: '' });
  });

  it('reports a 2xx with a body that is not JSON as an error, like postgrest-js', async () => {
    const res = await client(() => new Response('not json'))
      .from('t')
      .select();
    expect(res.error?.message).toBe('not json');
  });

  it('throwOnError throws the PostgrestError and narrows to success', async () => {
    const c = client(() => json({ code: 'PGRST205', message: 'no table' }, { status: 404 }));
    await expect(c.from('t').select().throwOnError()).rejects.toMatchObject({
      name: 'PostgrestError',
      code: 'PGRST205',
    });
    const ok = await client(() => json([{ a: 1 }]))
      .from('t')
      .select()
      .throwOnError();
    expect(ok.data).toEqual([{ a: 1 }]);
  });

  it('maybeSingle unwraps zero or one row, and refuses two', async () => {
    expect(
      (
        await client(() => json([]))
          .from('t')
          .select()
          .maybeSingle()
      ).data,
    ).toBeNull();
    expect(
      (
        await client(() => json([{ a: 1 }]))
          .from('t')
          .select()
          .maybeSingle()
      ).data,
    ).toEqual({ a: 1 });
    const two = await client(() => json([{ a: 1 }, { a: 2 }]))
      .from('t')
      .select()
      .maybeSingle();
    expect(two).toMatchObject({ data: null, status: 406, error: { code: 'PGRST116' } });
  });

  it('single returns the object PostgREST sends', async () => {
    const res = await client(() => json({ a: 1 }))
      .from('t')
      .select()
      .single();
    expect(res.data).toEqual({ a: 1 });
  });
});

describe('return=minimal reads no body', () => {
  function trackedBody(): { res: Response; pulled: () => boolean; cancelled: () => boolean } {
    let pulled = false;
    let cancelled = false;
    const stream = new ReadableStream(
      {
        pull() {
          pulled = true;
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return {
      res: new Response(stream, { status: 201 }),
      pulled: () => pulled,
      cancelled: () => cancelled,
    };
  }

  it.each([
    ['insert', (c: PostgrestClient) => c.from('t').insert({ a: 1 })],
    ['upsert', (c: PostgrestClient) => c.from('t').upsert({ a: 1 })],
    ['update', (c: PostgrestClient) => c.from('t').update({ a: 1 }).eq('id', 1)],
    ['delete', (c: PostgrestClient) => c.from('t').delete().eq('id', 1)],
  ])('%s without select()', async (_n, call) => {
    const body = trackedBody();
    const res = await call(client(() => body.res));
    expect(res).toMatchObject({ data: null, error: null, status: 201 });
    expect(body.pulled()).toBe(false);
    expect(body.cancelled()).toBe(true);
  });

  it('but reads it once select() asks for rows', async () => {
    const res = await client(() => json([{ id: 1 }], { status: 201 }))
      .from('t')
      .insert({ a: 1 })
      .select();
    expect(res.data).toEqual([{ id: 1 }]);
  });
});

describe('headers', () => {
  it('accepts a Headers instance and per-request setHeader', async () => {
    const cap = captureFetch();
    const c = new PostgrestClient('http://h/rest/v1', {
      headers: new Headers({ ApiKey: 'k' }),
      fetch: cap.fetch,
    });
    await c.from('t').select().setHeader('Authorization', 'Bearer user');
    await c.from('t').select();
    expect(cap.requests[0]!.headers).toMatchObject({ apikey: 'k', authorization: 'Bearer user' });
    // setHeader on one request leaves the client's headers alone.
    expect(cap.requests[1]!.headers.authorization).toBeUndefined();
  });

  it('merges a client-level Prefer with the request’s own tokens', async () => {
    const cap = captureFetch();
    const c = new PostgrestClient('http://h', {
      headers: { Prefer: 'tx=rollback' },
      fetch: cap.fetch,
    });
    await c.from('t').select('*', { count: 'exact' });
    expect(cap.requests[0]!.headers.prefer).toBe('tx=rollback,count=exact');
  });

  it('toRequest shows the request without sending it', () => {
    const cap = captureFetch();
    const req = new PostgrestClient('http://h', { fetch: cap.fetch })
      .schema('api')
      .from('t')
      .insert({ a: 1n })
      .toRequest();
    expect(req).toEqual({
      method: 'POST',
      url: 'http://h/t',
      headers: { 'content-profile': 'api', 'content-type': 'application/json' },
      body: '{"a":"1"}',
    });
    expect(cap.requests).toHaveLength(0);
  });

  it('builders are lazy: nothing is sent until awaited', async () => {
    const cap = captureFetch();
    const b = new PostgrestClient('http://h', { fetch: cap.fetch }).from('t').select();
    expect(cap.requests).toHaveLength(0);
    await b;
    expect(cap.requests).toHaveLength(1);
  });
});
