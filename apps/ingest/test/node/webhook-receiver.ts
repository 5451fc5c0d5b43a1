/**
 * A local webhook receiver for the spike-alert tests (127.0.0.1, a free port): it records every
 * POST with its path, JSON body and arrival time. `GET /__received?path=/hook/x&wait=ms`
 * answers `{ received: [...] }`, long-polling until one arrives for that path, so a test waits
 * for the alert, never a fixed time. `POST /__status {"path", "status"}` makes a path fail.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: unknown;
  /** Arrival, ms since the epoch. */
  at: number;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const MAX_WAIT_MS = 30_000;

export async function startWebhookReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const received: Received[] = [];
  const failing = new Map<string, number>();
  const waiting = new Set<() => void>();
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readAll(req);
      if (url.pathname === '/__status') {
        const { path, status } = JSON.parse(body) as { path: string; status: number };
        failing.set(path, status);
        return answer(res, 200, { ok: true });
      }
      if (url.pathname === '/__received') {
        const path = url.searchParams.get('path') ?? '';
        const wait = Math.min(Number(url.searchParams.get('wait') ?? 0) || 0, MAX_WAIT_MS);
        const matching = () => received.filter((r) => r.path === path);
        const deadline = Date.now() + wait;
        while (matching().length === 0 && Date.now() < deadline) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, deadline - Date.now());
            const wake = () => {
              clearTimeout(timer);
              waiting.delete(wake);
              resolve();
            };
            waiting.add(wake);
          });
        }
        return answer(res, 200, { received: matching() });
      }
      if (req.method !== 'POST') return answer(res, 405, { error: 'POST only' });
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return answer(res, 400, { error: 'invalid JSON' });
      }
      received.push({ path: url.pathname, body: json, at: Date.now() });
      for (const wake of [...waiting]) wake();
      const status = failing.get(url.pathname) ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'failing');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...waiting]) wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
