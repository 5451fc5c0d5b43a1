import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiKeyCheck, ApiKeys } from './api-keys.js';
import { landingPage } from './landing.js';
import type { TokenKeys } from './tokens.js';

/** Handles one service's HTTP requests; `path` has the service prefix stripped. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

export interface GatewayOptions {
  port: number;
  postgrestPort: number;
  apiKeys: ApiKeys;
  /** Verifies bearer tokens bound for PostgREST (issuer and key policy PostgREST 12 lacks). */
  keys: TokenKeys;
  auth?: HttpHandler;
  inbox?: HttpHandler;
  /** Handles /realtime/v1/* HTTP requests (REST broadcast). */
  realtimeHttp?: HttpHandler;
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
    'authorization, x-client-info, apikey, content-type, content-profile, accept-profile, prefer, range, x-upsert, x-supabase-api-version',
  'access-control-expose-headers':
    'content-range, content-location, location, preference-applied, range-unit, x-supabase-api-version, x-sb-error-code, sb-error-code, x-total-count, link',
  'access-control-max-age': '86400',
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS_HEADERS, ...headers });
  res.end(JSON.stringify(body));
}

function refuseKey(res: ServerResponse, check: Extract<ApiKeyCheck, { ok: false }>): void {
  json(
    res,
    check.status,
    { message: check.message, hint: check.hint },
    { 'sb-error-code': check.code },
  );
}

/** Forwards a request to a local upstream; `bearer` replaces its Authorization when given. */
function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  path: string,
  name: string,
  bearer?: string,
): void {
  const headers = { ...req.headers, host: `127.0.0.1:${port}` };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
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

/**
 * PostgREST 12 checks a token's signature, expiry and audience but not its issuer, so the
 * gateway applies the full policy first and answers as PostgREST does for a bad JWT.
 */
async function restRequest(
  options: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  bearer: string,
): Promise<void> {
  if (!options.apiKeys.all().includes(bearer)) {
    try {
      await options.keys.verify(bearer);
    } catch (error) {
      const message = error instanceof Error ? error.message : 'invalid token';
      json(
        res,
        401,
        { code: 'PGRST301', details: null, hint: null, message: `JWT rejected: ${message}` },
        { 'www-authenticate': `Bearer error="invalid_token", error_description="${message}"` },
      );
      return;
    }
  }
  proxy(req, res, options.postgrestPort, path, 'PostgREST', bearer);
}

/** Auth routes a browser reaches without an apikey: links in e-mails and the public key set. */
function isOpenAuthRoute(method: string | undefined, path: string): boolean {
  return (method === 'GET' && path === '/verify') || path.startsWith('/.well-known/');
}

/** Supabase's URL shape on one port: /rest/v1, /auth/v1, /realtime/v1, plus the local /inbox. */
export interface Gateway {
  server: Server;
  /** Closes the listener and every socket, upgraded websockets included. */
  close(): Promise<void>;
}

export function startGateway(options: GatewayOptions): Promise<Gateway> {
  const withKey = (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    then: (bearer: string) => void,
  ): void => {
    const check = options.apiKeys.check(req, url);
    if (!check.ok) return refuseKey(res, check);
    const bearer = options.apiKeys.upstreamBearer(req, check);
    req.headers.authorization = `Bearer ${bearer}`;
    then(bearer);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(200, CORS_HEADERS);
      res.end();
      return;
    }
    if (url.pathname === '/health') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(landingPage());
      return;
    }
    const rest = /^\/rest\/v1(\/.*)?$/.exec(url.pathname);
    if (rest) {
      return withKey(req, res, url, (bearer) => {
        restRequest(options, req, res, (rest[1] ?? '/') + url.search, bearer).catch(
          (error: unknown) => {
            if (!res.headersSent) json(res, 500, { message: String(error) });
          },
        );
      });
    }
    const auth = /^\/auth\/v1(\/.*)?$/.exec(url.pathname);
    if (auth && options.auth) {
      const path = auth[1] ?? '/';
      if (isOpenAuthRoute(req.method, path)) return options.auth(req, res, path);
      return withKey(req, res, url, () => options.auth!(req, res, path));
    }
    const realtime = /^\/realtime\/v1(\/.*)?$/.exec(url.pathname);
    if (realtime && options.realtimeHttp) {
      return withKey(req, res, url, () => options.realtimeHttp!(req, res, realtime[1] ?? '/'));
    }
    const inbox = /^\/inbox(\/.*)?$/.exec(url.pathname);
    if (inbox && options.inbox) return options.inbox(req, res, inbox[1] ?? '/');
    if (
      options.analyticsEngine &&
      (url.pathname.startsWith('/client/v4/') || url.pathname.startsWith('/analytics-engine/'))
    ) {
      const engine = options.analyticsEngine();
      if (typeof engine === 'string') return analyticsEngineUnavailable(res, engine);
      return proxy(req, res, engine, url.pathname + url.search, 'The local Analytics Engine');
    }
    json(res, 404, { message: 'no Route matched with those values' });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const realtime = /^\/realtime\/v1(\/.*)$/.exec(url.pathname);
    if (realtime?.[1] && options.realtimeUpgrade) {
      const check = options.apiKeys.check(req, url);
      if (!check.ok) {
        const body = JSON.stringify({ message: check.message });
        socket.end(
          `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nsb-error-code: ${check.code}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        return;
      }
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
