import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import type { TokenKeys } from '../tokens.js';
import { verifyRealtimeToken } from './auth.js';
import { Connection } from './connection.js';
import { startFeed } from './feed.js';
import { Hub } from './hub.js';
import { TableCatalog } from './tables.js';

export interface RealtimeOptions {
  dbUrl: string;
  /** Verifies user tokens and API keys (the signing key, the legacy secret, the opaque keys). */
  keys: TokenKeys;
  /** The project keys accepted as `apikey`: legacy anon/service_role JWTs, publishable, secret. */
  apiKeys: readonly string[];
  log: (line: string) => void;
}

export interface RealtimeServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): void;
  handleHttp(req: IncomingMessage, res: ServerResponse, path: string): void;
  stop(): Promise<void>;
}

/** Realtime caps a frame at a few MB on hosted plans; 1 MiB is plenty locally. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** 1012 "service restart": not a clean close, so realtime-js reconnects by itself. */
const CLOSE_SERVICE_RESTART = 1012;

function refuse(socket: Duplex, status: number, reason: string, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('payload too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Starts the Realtime server: LISTENs for changes and serves websockets and REST broadcasts. */
export async function startRealtime(options: RealtimeOptions): Promise<RealtimeServer> {
  const { log } = options;
  const listener = new pg.Client({
    connectionString: options.dbUrl,
    application_name: 'sightline_realtime_listener',
  });
  const client = new pg.Client({
    connectionString: options.dbUrl,
    application_name: 'sightline_realtime',
  });
  for (const connection of [listener, client]) {
    connection.on('error', (error) => log(`realtime: database connection error: ${error.message}`));
  }
  await Promise.all([listener.connect(), client.connect()]);
  const hub = new Hub();
  const catalog = new TableCatalog(client);
  await startFeed({ listener, client, hub, catalog, log });

  let ids = 0;
  const canReadTopic = async (claims: Record<string, unknown>, topic: string): Promise<boolean> => {
    const { rows } = await client.query<{ ok: boolean }>(
      'select sightline_realtime.can_read_topic($1, $2) as ok',
      [JSON.stringify(claims), topic],
    );
    return rows[0]?.ok === true;
  };
  const context = { hub, catalog, keys: options.keys, nextId: () => ++ids, canReadTopic, log };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const connections = new Set<Connection>();

  const handleBroadcastRequest = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token =
      bearer(req) ?? req.headers.apikey?.toString() ?? url.searchParams.get('apikey') ?? '';
    let role: string;
    try {
      role = (await verifyRealtimeToken(options.keys, token)).claims.role ?? '';
    } catch (error) {
      return json(res, 401, { error: error instanceof Error ? error.message : 'invalid token' });
    }
    const body = await readBody(req, MAX_FRAME_BYTES);
    const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
    // Private topics need an authorised role; the service key (bypassing RLS) always is.
    const allowed = (isPrivate: boolean): boolean => !isPrivate || role === 'service_role';
    if (single) {
      const isPrivate = url.searchParams.get('private') === 'true';
      const topic = `realtime:${decodeURIComponent(single[1]!)}`;
      const event = decodeURIComponent(single[2]!);
      const binary = req.headers['content-type']?.startsWith('application/octet-stream') === true;
      const payload = binary
        ? { binary: body }
        : { json: JSON.parse(body.toString('utf8') || 'null') as unknown };
      if (allowed(isPrivate)) hub.broadcast(topic, isPrivate, event, payload);
      return json(res, 202, undefined);
    }
    const parsed = JSON.parse(body.toString('utf8')) as { messages?: unknown };
    if (!Array.isArray(parsed.messages))
      return json(res, 400, { error: 'expected {"messages": [...]}' });
    for (const raw of parsed.messages as Record<string, unknown>[]) {
      if (typeof raw?.topic !== 'string' || typeof raw.event !== 'string')
        return json(res, 400, { error: 'each message needs a topic and an event' });
    }
    for (const message of parsed.messages as {
      topic: string;
      event: string;
      payload?: unknown;
      private?: boolean;
    }[]) {
      const isPrivate = message.private === true;
      if (allowed(isPrivate))
        hub.broadcast(`realtime:${message.topic}`, isPrivate, message.event, {
          json: message.payload ?? {},
        });
    }
    return json(res, 202, undefined);
  };

  return {
    handleUpgrade(req, socket, head, path) {
      if (path !== '/websocket') return refuse(socket, 404, 'Not Found', 'not found');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const apiKey = url.searchParams.get('apikey') ?? req.headers.apikey?.toString();
      if (!apiKey || !options.apiKeys.includes(apiKey))
        return refuse(socket, 401, 'Unauthorized', 'Invalid API key');
      const vsn = url.searchParams.get('vsn') ?? '1.0.0';
      if (vsn !== '1.0.0' && vsn !== '2.0.0')
        return refuse(socket, 400, 'Bad Request', `unsupported vsn ${vsn}`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.binaryType = 'nodebuffer';
        const connection = new Connection(ws, vsn, apiKey, context);
        connections.add(connection);
        ws.on('close', () => connections.delete(connection));
      });
    },
    handleHttp(req, res, path) {
      if (req.method !== 'POST' || !path.startsWith('/api/broadcast'))
        return json(res, 404, { error: 'not found' });
      handleBroadcastRequest(req, res, path).catch((error: unknown) => {
        if (!res.headersSent)
          json(res, 400, { error: error instanceof Error ? error.message : 'bad request' });
      });
    },
    async stop() {
      for (const connection of connections) connection.leaveAll();
      for (const ws of wss.clients) ws.close(CLOSE_SERVICE_RESTART, 'server restart');
      // Give close frames a moment, then cut whatever did not answer.
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all([listener.end(), client.end()]).catch(() => undefined);
    },
  };
}
