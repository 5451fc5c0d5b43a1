/**
 * The local Analytics Engine's HTTP interface, as the devstack's gateway forwards it:
 *
 * - `POST /client/v4/accounts/<account id>/analytics_engine/sql`: Cloudflare's SQL API (bearer
 *   token, SQL as the body, answers and errors shaped as Analytics Engine's);
 * - `POST /analytics-engine/v1/datasets/<dataset>/points`: the local write path (a JSON array
 *   of data points), what the Worker binding of development and tests calls. Analytics Engine
 *   has no such endpoint: there the runtime writes.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LocalAnalyticsEngine } from './engine.js';
import { InvalidDataPointError, type WireDataPoint } from './data-points.js';
import { AnalyticsEngineQueryError } from './query-error.js';
import { MAX_QUERY_CHARS } from './sql-reference.js';

export interface EngineHttpOptions {
  engine: LocalAnalyticsEngine;
  accountId: string;
  apiToken: string;
}

/** Cloudflare API v4's error envelope. */
function cloudflareError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ result: null, success: false, errors: [{ code, message }], messages: [] }),
  );
}

function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(/^Bearer (.+)$/.exec(header)?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function handleSql(
  req: IncomingMessage,
  res: ServerResponse,
  engine: LocalAnalyticsEngine,
): Promise<void> {
  let text: string;
  try {
    // Up to 4 bytes per character of the longest query accepted.
    text = (await readBody(req, MAX_QUERY_CHARS * 4)).toString('utf8');
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    text = 'x'.repeat(MAX_QUERY_CHARS + 1);
  }
  try {
    const result = await engine.query(text);
    res.writeHead(200, { 'content-type': result.contentType });
    res.end(result.body);
  } catch (error) {
    if (!(error instanceof AnalyticsEngineQueryError)) throw error;
    res.writeHead(422, {
      'content-type': 'text/plain; charset=utf-8',
      'x-sightline-error-code': error.code,
    });
    res.end(error.body);
  }
}

async function handleWrite(
  req: IncomingMessage,
  res: ServerResponse,
  engine: LocalAnalyticsEngine,
  dataset: string,
): Promise<void> {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  let points: unknown;
  try {
    points = JSON.parse((await readBody(req, 64 * 1024 * 1024)).toString('utf8'));
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge;
    json(tooLarge ? 413 : 400, {
      code: tooLarge ? 'BODY_TOO_LARGE' : 'INVALID_JSON',
      message: tooLarge
        ? 'at most 64 MiB of data points per request'
        : 'the body is a JSON array of data points',
    });
    return;
  }
  if (!Array.isArray(points)) {
    json(400, { code: 'INVALID_JSON', message: 'the body is a JSON array of data points' });
    return;
  }
  try {
    json(200, { written: await engine.write(dataset, points as WireDataPoint[]) });
  } catch (error) {
    if (!(error instanceof InvalidDataPointError)) throw error;
    json(400, { code: error.code, message: error.message });
  }
}

/**
 * Serves the engine on 127.0.0.1:`port` (0: a free port).
 *
 * @example
 * const server = await serveAnalyticsEngine({ engine, accountId, apiToken }, 0);
 */
export function serveAnalyticsEngine(options: EngineHttpOptions, port: number): Promise<Server> {
  const { engine, accountId, apiToken } = options;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sql = /^\/client\/v4\/accounts\/([^/]+)\/analytics_engine\/sql\/?$/.exec(url.pathname);
    const write = /^\/analytics-engine\/v1\/datasets\/([^/]+)\/points$/.exec(url.pathname);
    const handle = async (): Promise<void> => {
      if (url.pathname === '/analytics-engine/v1/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', datasets: engine.listDatasets() }));
        return;
      }
      if (!sql && !write) {
        cloudflareError(
          res,
          404,
          7003,
          `Could not route to ${url.pathname}, perhaps your object identifier is invalid?`,
        );
        return;
      }
      if (req.method !== 'POST') {
        cloudflareError(res, 405, 10405, `Method ${req.method ?? ''} not allowed`);
        return;
      }
      if (!authorised(req, apiToken) || (sql && decodeURIComponent(sql[1]!) !== accountId)) {
        cloudflareError(res, 403, 10000, 'Authentication error');
        return;
      }
      if (sql) await handleSql(req, res, engine);
      else await handleWrite(req, res, engine, decodeURIComponent(write![1]!));
    };
    handle().catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, {
        'content-type': 'text/plain; charset=utf-8',
        'x-sightline-error-code': 'ENGINE_ERROR',
      });
      res.end(
        `local Analytics Engine error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
