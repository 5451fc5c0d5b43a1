/**
 * Timeouts, retries and attempt hooks. The failing server is a scripted fetch (a real flaky
 * network cannot be produced on demand here); delays are shrunk through the retry options.
 */
import { describe, expect, it } from 'vitest';
import { PostgrestClient, type AttemptEvent, type RetryOptions } from '../src/index.js';

type Step = Response | Error | 'hang';

function scripted(steps: Step[]) {
  const calls: { method: string; headers: Record<string, string> }[] = [];
  const fetchImpl: typeof fetch = (_input, init = {}) => {
    calls.push({ method: init.method ?? 'GET', headers: init.headers as Record<string, string> });
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
    if (step === 'hang')
      return new Promise((_, reject) => {
        const signal = init.signal!;
        signal.addEventListener('abort', () => reject(signal.reason as Error));
      });
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step.clone());
  };
  return { fetch: fetchImpl, calls };
}

const fast: RetryOptions = { baseDelayMs: 1, maxDelayMs: 50 };
const ok = () => new Response('[]', { status: 200 });
const status = (s: number, headers: Record<string, string> = {}) =>
  new Response('{"message":"busy"}', { status: s, headers });

function make(steps: Step[], retry: boolean | RetryOptions = fast, timeout?: number) {
  const s = scripted(steps);
  const events: AttemptEvent[] = [];
  const c = new PostgrestClient('http://127.0.0.1:1', {
    fetch: s.fetch,
    retry,
    timeout,
    onAttempt: (e) => events.push(e),
  });
  return { c, calls: s.calls, events };
}

describe('retries', () => {
  it('retries an idempotent read on 503 and 520, then succeeds', async () => {
    const { c, calls, events } = make([status(503), status(520), ok()]);
    const res = await c.from('t').select();
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.status, e.retryInMs !== undefined])).toEqual([
      [0, 503, true],
      [1, 520, true],
      [2, 200, false],
    ]);
    expect(events[0]!.url).toBe('http://127.0.0.1:1/t?select=*');
    expect(events[0]!.retryInMs!).toBeLessThanOrEqual(1);
  });

  it('stops after `retries` and returns the last response', async () => {
    const { c, calls } = make([status(503)], { ...fast, retries: 2 });
    const res = await c.from('t').select();
    expect(res.status).toBe(503);
    expect(res.error?.message).toBe('busy');
    expect(calls).toHaveLength(3);
  });

  it('retries a read after a network error', async () => {
    const { c, calls } = make([new TypeError('fetch failed'), ok()]);
    expect((await c.from('t').select()).status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('does not retry other errors (500, 404, 409)', async () => {
    for (const s of [500, 404, 409]) {
      const { c, calls } = make([status(s), ok()]);
      expect((await c.from('t').select()).status).toBe(s);
      expect(calls).toHaveLength(1);
    }
  });

  it('never blindly retries a non-idempotent write', async () => {
    for (const step of [status(503), status(520), new TypeError('fetch failed')]) {
      for (const call of [
        (c: PostgrestClient) => c.from('t').insert({ a: 1 }),
        (c: PostgrestClient) => c.from('t').update({ a: 1 }).eq('id', 1),
        (c: PostgrestClient) => c.rpc('f', { a: 1 }),
      ]) {
        const { c, calls } = make([step, ok()]);
        await call(c);
        expect(calls).toHaveLength(1);
      }
    }
  });

  it('retries a write that the server refused with Retry-After (429/503)', async () => {
    for (const s of [429, 503]) {
      const { c, calls, events } = make([
        status(s, { 'retry-after': '0' }),
        new Response(null, { status: 201 }),
      ]);
      const res = await c.from('t').insert({ a: 1 });
      expect(res.status).toBe(201);
      expect(calls.map((x) => x.method)).toEqual(['POST', 'POST']);
      expect(events[0]!.retryInMs).toBe(0);
    }
  });

  it('honours Retry-After on reads, and gives up when it exceeds maxDelayMs', async () => {
    const waited = make([status(503, { 'retry-after': '0.02' }), ok()]);
    const started = Date.now();
    await waited.c.from('t').select();
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(waited.events[0]!.retryInMs).toBe(20);

    const tooLong = make([status(503, { 'retry-after': '120' }), ok()]);
    expect((await tooLong.c.from('t').select()).status).toBe(503);
    expect(tooLong.calls).toHaveLength(1);
  });

  it('DELETE is idempotent and retried; idempotent: true opts a write in', async () => {
    const del = make([status(503), ok()]);
    await del.c.from('t').delete().eq('id', 1);
    expect(del.calls).toHaveLength(2);
    const rpc = make([status(503), ok()]);
    await rpc.c.rpc('pure_fn', { a: 1 }).retry({ ...fast, idempotent: true });
    expect(rpc.calls).toHaveLength(2);
  });

  it('retry(false) on the client or the request disables retries', async () => {
    const off = make([status(503), ok()], false);
    await off.c.from('t').select();
    expect(off.calls).toHaveLength(1);
    const perRequest = make([status(503), ok()]);
    await perRequest.c.from('t').select().retry(false);
    expect(perRequest.calls).toHaveLength(1);
  });

  it('back-off grows exponentially within the jitter ceiling', async () => {
    const { c, events } = make([status(503)], { retries: 3, baseDelayMs: 4, maxDelayMs: 10 });
    await c.from('t').select();
    const waits = events.slice(0, 3).map((e) => e.retryInMs!);
    expect(waits[0]).toBeLessThanOrEqual(4);
    expect(waits[1]).toBeLessThanOrEqual(8);
    expect(waits[2]).toBeLessThanOrEqual(10);
  });
});

describe('timeouts and aborts', () => {
  it('times out an attempt with code TIMEOUT and retries a read', async () => {
    const { c, calls, events } = make(['hang', ok()], fast, 30);
    const res = await c.from('t').select();
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(2);
    expect(events[0]!.status).toBe(0);
    expect((events[0]!.error as Error).name).toBe('TimeoutError');
  });

  it('reports TIMEOUT after the last attempt, status 0', async () => {
    const { c } = make(['hang'], false);
    const res = await c.from('t').select().timeout(20);
    expect(res).toMatchObject({ data: null, status: 0, error: { code: 'TIMEOUT' } });
  });

  it('does not retry a write that timed out', async () => {
    const { c, calls } = make(['hang', ok()], fast, 20);
    const res = await c.from('t').insert({ a: 1 });
    expect(res.error?.code).toBe('TIMEOUT');
    expect(calls).toHaveLength(1);
  });

  it('a caller abort is ABORTED and never retried', async () => {
    const { c, calls } = make(['hang', ok()], fast, 1000);
    const ac = new AbortController();
    const pending = c.from('t').select().abortSignal(ac.signal);
    setTimeout(() => ac.abort(), 10);
    const res = await pending;
    expect(res.error?.code).toBe('ABORTED');
    expect(calls).toHaveLength(1);
  });

  it('maps a network failure to FETCH_ERROR with the cause kept', async () => {
    const err = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const { c } = make([err], false);
    const res = await c.from('t').select();
    expect(res.error).toMatchObject({ code: 'FETCH_ERROR', message: 'TypeError: fetch failed' });
    expect(res.error?.cause).toBe(err);
  });

  it('throwOnError throws the mapped error for a network failure', async () => {
    const { c } = make([new TypeError('fetch failed')], false);
    await expect(c.from('t').select().throwOnError()).rejects.toMatchObject({
      code: 'FETCH_ERROR',
    });
  });
});
