/**
 * The watch signal against a real HTTP server on 127.0.0.1 standing in for the ingest Worker's
 * POST /v1/sites/:id/watch (the route itself is tested in apps/ingest under Miniflare).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepWatching, watchSite, WatchError } from '../../src/lib/watch.js';

interface Call {
  method: string;
  url: string;
  authorization: string | undefined;
}

let server: Server | null = null;

async function worker(
  answer: (req: IncomingMessage, n: number) => { status: number; body: unknown },
): Promise<{ url: string; calls: Call[] }> {
  const calls: Call[] = [];
  server = createServer((req, res) => {
    // The Worker's CORS answers (apps/ingest/src/routes/watch.ts): the page is another origin.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type',
      });
      res.end();
      return;
    }
    calls.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    const { status, body } = answer(req, calls.length);
    res.writeHead(status, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
    });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

afterEach(async () => {
  const s = server;
  server = null;
  if (!s) return;
  s.closeAllConnections(); // fetch keeps sockets alive
  await new Promise((resolve) => s.close(resolve));
});

const until = async (check: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('watch signal', () => {
  it('posts with the token and returns the snapshots and renewal period', async () => {
    const { url, calls } = await worker(() => ({
      status: 200,
      body: { site: 'shop', watchMs: 75_000, renewMs: 30_000, messages: [{ full: true }] },
    }));
    const answer = await watchSite(url, 'tok', 'shop');
    expect(answer).toEqual({ messages: [{ full: true }], renewMs: 30_000 });
    expect(calls).toEqual([
      { method: 'POST', url: '/v1/sites/shop/watch', authorization: 'Bearer tok' },
    ]);
  });

  it('keeps the Worker’s error code', async () => {
    const { url } = await worker(() => ({
      status: 403,
      body: { error: { code: 'forbidden', message: 'this token cannot see this site' } },
    }));
    const error = await watchSite(url, 'tok', 'shop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchError);
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('renews at the period the Worker answers, applies each snapshot, and stops when asked', async () => {
    const { url, calls } = await worker((_req, n) => ({
      status: 200,
      body: { renewMs: 1_000, messages: [{ n }] },
    }));
    const seen: unknown[] = [];
    const stop = keepWatching(url, 'tok', 'shop', (messages) => seen.push(...messages));
    await until(() => calls.length >= 2);
    stop();
    await until(() => seen.length >= 2);
    const count = calls.length;
    expect(seen.slice(0, 2)).toEqual([{ n: 1 }, { n: 2 }]);
    // Stopped: no further renewal within two periods.
    await new Promise((r) => setTimeout(r, 2_200));
    expect(calls.length).toBe(count);
  }, 15_000);

  it('retries after a failure but gives up on a refused token', async () => {
    const { url, calls } = await worker((_req, n) =>
      n === 1
        ? { status: 503, body: { error: { code: 'site_unavailable', message: 'retry' } } }
        : { status: 401, body: { error: { code: 'unauthorized', message: 'no' } } },
    );
    const errors: WatchError[] = [];
    const stop = keepWatching(
      url,
      'tok',
      'shop',
      () => {},
      (e) => errors.push(e),
    );
    await until(() => errors.length >= 2, 10_000);
    // RETRY_MS (5 s) passed between the two calls.
    expect(errors.map((e) => e.code)).toEqual(['site_unavailable', 'unauthorized']);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.length).toBe(2);
    stop();
  }, 15_000);

  it('reports an unreachable Worker as watch_unreachable', async () => {
    const error = await watchSite('http://127.0.0.1:9', 'tok', 'shop').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'watch_unreachable' });
  });
});
