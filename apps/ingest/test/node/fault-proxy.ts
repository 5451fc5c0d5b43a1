/**
 * A switchable HTTP proxy between the Worker and the real devstack, to make Postgres (behind
 * /rest/v1) or Realtime (behind /realtime/v1) unreachable on demand without touching either:
 * - `up`: forward as is;
 * - `down`: drop the connection at once (what an outage looks like from the Worker);
 * - `lose-response`: forward, let the database commit, then drop the connection before the
 *   answer — the ambiguous failure that only an idempotent batch id makes safe to retry.
 * Control: POST /__fault {"rest": mode, "realtime": mode}.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'up' | 'down' | 'lose-response';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(
  upstream: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const modes: Record<'rest' | 'realtime', FaultMode> = { rest: 'up', realtime: 'up' };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const path = req.url ?? '/';
      if (path === '/__fault') {
        Object.assign(modes, JSON.parse(body.toString('utf8')) as Partial<typeof modes>);
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(modes));
      }
      const mode = path.startsWith('/realtime/') ? modes.realtime : modes.rest;
      if (mode === 'down') return req.socket.destroy();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (
          typeof value === 'string' &&
          name !== 'host' &&
          name !== 'connection' &&
          name !== 'content-length'
        ) {
          headers.set(name, value);
        }
      }
      const answer = await fetch(upstream + path, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const payload = Buffer.from(await answer.arrayBuffer());
      if (mode === 'lose-response') return req.socket.destroy();
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (
          name !== 'content-encoding' &&
          name !== 'transfer-encoding' &&
          name !== 'content-length'
        )
          out[name] = value;
      });
      res.writeHead(answer.status, out);
      res.end(payload);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
