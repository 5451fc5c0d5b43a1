/**
 * A pass-through to the real ingest Worker that keeps the dashboard from watching its sites: a
 * live pass is asked for without its site (so the Worker mints it without a watch), and any
 * `watch` snapshot is dropped from pass answers. The seeded stack writes its traffic straight
 * into Postgres (ingest_batch), past the Worker, so the Worker's live objects know none of the
 * seeded visitors: watched, they would answer and push full messages saying 0 where the tests
 * check the seeded ground truth. Passes, CORS and every other answer are the Worker's own; the
 * watch itself is tested with a recorder in dashboard.test.ts and through the Worker in e2e/
 * (a real visit from the demo site).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, not of the request (fetch refuses some of them). */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startUnwatchedWorker(
  workerUrl: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        let sent = await body(req);
        if (req.url === '/v1/live-pass' && req.method === 'POST') sent = Buffer.from('{}');
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers.set(name, value);
        const answer = await fetch(`${workerUrl}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(sent),
        });
        let text = Buffer.from(await answer.arrayBuffer());
        const isPass = /^\/v1\/(live-pass|share\/pass)$/.test(req.url ?? '');
        if (isPass && req.method === 'POST' && answer.ok) {
          const json = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
          delete json.watch;
          text = Buffer.from(JSON.stringify(json));
        }
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'content-encoding') out[name] = value;
        });
        res.writeHead(answer.status, out).end(text);
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
