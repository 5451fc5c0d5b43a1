/**
 * An HTTP proxy between the Worker and the devstack gateway that counts what the Worker asks of
 * Supabase — PostgREST calls (each one a Postgres transaction) by path, and Realtime broadcasts —
 * and can hold or drop them to inject faults. Loopback only; forwarding keeps connections alive.
 */
import { createServer, request, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'up' | 'down' | 'hold';

export interface CountingProxy {
  url: string;
  /** Requests seen per "METHOD path" (query stripped). */
  counts: Map<string, number>;
  reset(): void;
  total(prefix: string): number;
  /** `down`: drop the connection at once; `hold`: keep the request unanswered until `release`. */
  setMode(scope: 'rest' | 'realtime', mode: Mode): void;
  /** Requests held so far (while in `hold`). */
  held(): number;
  /** Forwards every held request (`forward`) or drops them all. */
  release(how: 'forward' | 'drop'): void;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map<string, number>();
  const modes = { rest: 'up' as Mode, realtime: 'up' as Mode };
  let holding: { forward: () => void; drop: () => void }[] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const path = req.url ?? '/';
      const key = `${req.method} ${path.split('?')[0]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const forward = () => {
        const headers = { ...req.headers, host: target.host };
        delete headers.connection;
        const up = request(
          { host: target.hostname, port: target.port, path, method: req.method, headers, agent },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        up.on('error', () => req.socket.destroy());
        up.end(body);
      };
      const mode = path.startsWith('/realtime/') ? modes.realtime : modes.rest;
      if (mode === 'down') return req.socket.destroy();
      if (mode === 'hold') {
        holding.push({ forward, drop: () => req.socket.destroy() });
        return;
      }
      forward();
    })().catch(() => req.socket.destroy());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    reset: () => counts.clear(),
    total: (prefix) =>
      [...counts].filter(([k]) => k.includes(prefix)).reduce((sum, [, n]) => sum + n, 0),
    setMode: (scope, mode) => {
      modes[scope] = mode;
    },
    held: () => holding.length,
    release(how) {
      const list = holding;
      holding = [];
      for (const h of list) h[how]();
    },
    close: () =>
      new Promise((resolve) => {
        for (const h of holding) h.drop();
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
