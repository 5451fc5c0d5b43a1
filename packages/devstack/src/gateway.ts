import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';

export interface GatewayOptions {
  port: number;
  postgrestPort: number;
  /** Keys the gateway accepts in `apikey` (Supabase's gateway accepts the project's keys only). */
  apiKeys: () => readonly string[];
  /** Handles /realtime/v1/* HTTP requests (REST broadcast); path has the prefix stripped. */
  realtimeHttp?: (req: IncomingMessage, res: ServerResponse, path: string) => void;
  /** Handles /realtime/v1/* upgrades; path has the prefix stripped. */
  realtimeUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, path: string) => void;
  /**
   * The local Analytics Engine's port, or why it is not running: /client/v4/* (Cloudflare's SQL
   * API) and /analytics-engine/* (the local write path) go to it, with their own bearer token.
   */
  analyticsEngine?: () => number | string;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-allow-headers':
    'authorization, x-client-info, apikey, content-type, content-profile, accept-profile, prefer, range, x-upsert',
  'access-control-expose-headers':
    'content-range, content-location, location, preference-applied, range-unit',
  'access-control-max-age': '86400',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS_HEADERS });
  res.end(JSON.stringify(body));
}

/** The apikey from the header (REST) or the query string (websocket, browsers). */
export function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey;
  return (
    (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey') ?? undefined
  );
}

/** Checks the apikey as Supabase's gateway does; answers 401 itself and returns false when bad. */
function checkApiKey(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  keys: readonly string[],
): string | undefined {
  const key = apiKeyOf(req, url);
  if (!key) {
    json(res, 401, {
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
    return undefined;
  }
  if (!keys.includes(key)) {
    json(res, 401, {
      message: 'Invalid API key',
      hint: 'Double check your Supabase `anon` or `service_role` API key.',
    });
    return undefined;
  }
  return key;
}

function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  path: string,
  name: string,
  apiKey?: string,
): void {
  const headers = { ...req.headers, host: `127.0.0.1:${port}` };
  // Without Authorization the gateway forwards the apikey as the bearer token, as Supabase's does.
  if (apiKey && !headers.authorization) headers.authorization = `Bearer ${apiKey}`;
  const upstream = request(
    { host: '127.0.0.1', port, method: req.method, path, headers },
    (response) => {
      res.writeHead(response.statusCode ?? 502, {
        ...response.headers,
        'access-control-allow-origin': '*',
      });
      response.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent)
      json(res, 502, { message: `${name} is unavailable`, details: error.message });
    else res.destroy(error);
  });
  req.pipe(upstream);
}

/** Cloudflare API v4's error envelope, for the Analytics Engine routes. */
function analyticsEngineUnavailable(res: ServerResponse, reason: string): void {
  res.writeHead(503, {
    'content-type': 'application/json',
    'x-sightline-error-code': 'ANALYTICS_ENGINE_UNAVAILABLE',
  });
  res.end(
    JSON.stringify({
      result: null,
      success: false,
      errors: [{ code: 503, message: `the local Analytics Engine is unavailable: ${reason}` }],
      messages: [],
    }),
  );
}

/** Supabase's URL shape on one port: /rest/v1 → PostgREST, /realtime/v1 → the Realtime server. */
export interface Gateway {
  server: Server;
  /** Closes the listener and every socket, upgraded websockets included. */
  close(): Promise<void>;
}

export function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(200, CORS_HEADERS);
      res.end();
      return;
    }
    if (url.pathname === '/health') {
      json(res, 200, { status: 'ok' });
      return;
    }
    const rest = /^\/rest\/v1(\/.*)?$/.exec(url.pathname);
    if (rest) {
      const apiKey = checkApiKey(req, res, url, options.apiKeys());
      if (apiKey)
        proxy(req, res, options.postgrestPort, (rest[1] ?? '/') + url.search, 'PostgREST', apiKey);
      return;
    }
    if (
      options.analyticsEngine &&
      (url.pathname.startsWith('/client/v4/') || url.pathname.startsWith('/analytics-engine/'))
    ) {
      const engine = options.analyticsEngine();
      if (typeof engine === 'string') analyticsEngineUnavailable(res, engine);
      else proxy(req, res, engine, url.pathname + url.search, 'The local Analytics Engine');
      return;
    }
    const realtime = /^\/realtime\/v1(\/.*)?$/.exec(url.pathname);
    if (realtime && options.realtimeHttp) {
      if (checkApiKey(req, res, url, options.apiKeys()))
        options.realtimeHttp(req, res, realtime[1] ?? '/');
      return;
    }
    json(res, 404, { message: 'no Route matched with those values' });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const realtime = /^\/realtime\/v1(\/.*)$/.exec(url.pathname);
    if (realtime?.[1] && options.realtimeUpgrade) {
      options.realtimeUpgrade(req, socket, head, realtime[1]);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  // server.close() waits for open sockets and closeAllConnections() skips upgraded ones, so
  // track every socket to end them all on close (a connected dashboard must not block stop).
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve({ server, close }));
  });
}
