import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, BodyError } from '../http-body.js';
import { listPage, messagePage } from './page.js';
import { asResendEmail, parseResendEmail, ResendError } from './resend.js';
import type { Inbox, NewMessage } from './store.js';

/** The longest a poll may wait for a message (`wait=` in ms). */
const MAX_WAIT_MS = 30_000;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * The inbox's routes under /inbox: the page (`/`, `/messages/:id`), a JSON API for tests
 * (`/api/messages`), and a Resend-compatible sending API (`/resend/emails`).
 */
export function inboxHandler(inbox: Inbox, emailApiKey: string) {
  const resend = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const key = bearer(req);
    if (!key)
      throw new ResendError(
        401,
        'missing_api_key',
        'Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.',
      );
    if (key !== emailApiKey) throw new ResendError(403, 'invalid_api_key', 'API key is invalid');
    const one = /^\/emails\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const message = await inbox.get(decodeURIComponent(one[1]!));
      if (!message) throw new ResendError(404, 'not_found', 'Email not found');
      return json(res, 200, asResendEmail(message));
    }
    if (req.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch'))
      throw new ResendError(405, 'method_not_allowed', 'Method not allowed');
    const body = await readJsonBody(req);
    if (path === '/emails/batch') {
      if (!Array.isArray(body))
        throw new ResendError(422, 'validation_error', 'The batch body must be a JSON array.');
      // Validate every message before storing any, as a batch is all or nothing.
      const messages: NewMessage[] = body.map(parseResendEmail);
      const ids = [];
      for (const message of messages) ids.push({ id: (await inbox.store(message)).id });
      inbox.announce();
      return json(res, 200, { data: ids });
    }
    const stored = await inbox.store(parseResendEmail(body));
    inbox.announce();
    json(res, 200, { id: stored.id });
  };

  const api = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
  ): Promise<void> => {
    const one = /^\/messages\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const message = await inbox.get(decodeURIComponent(one[1]!));
      return message
        ? json(res, 200, message)
        : json(res, 404, { code: 'not_found', message: 'no such message' });
    }
    if (path !== '/messages')
      return json(res, 404, { code: 'not_found', message: 'no such route' });
    if (req.method === 'DELETE') return json(res, 200, { deleted: await inbox.clear() });
    if (req.method !== 'GET')
      return json(res, 405, { code: 'method_not_allowed', message: 'GET or DELETE' });
    const number = (name: string): number | undefined => {
      const raw = url.searchParams.get(name);
      if (raw === null) return undefined;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0)
        throw new BodyError(`${name} must be a non-negative integer`);
      return value;
    };
    const to = url.searchParams.get('to') ?? undefined;
    const query = {
      ...(to ? { to } : {}),
      after: number('after') ?? 0,
      limit: Math.min(number('limit') ?? 100, 1000),
    };
    const wait = Math.min(number('wait') ?? 0, MAX_WAIT_MS);
    json(res, 200, { messages: await inbox.poll(query, wait) });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (path.startsWith('/resend/')) return resend(req, res, path.slice('/resend'.length));
    if (path.startsWith('/api/')) return api(req, res, path.slice('/api'.length), url);
    if (req.method !== 'GET')
      return json(res, 405, { code: 'method_not_allowed', message: 'GET only' });
    if (path === '/' || path === '')
      return send(res, 200, 'text/html; charset=utf-8', listPage(await inbox.latest(200)));
    const one = /^\/messages\/([^/]+)$/.exec(path);
    const message = one ? await inbox.get(decodeURIComponent(one[1]!)) : undefined;
    if (!message)
      return send(
        res,
        404,
        'text/html; charset=utf-8',
        'No such message. <a href="/inbox">Inbox</a>',
      );
    send(res, 200, 'text/html; charset=utf-8', messagePage(message));
  };

  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    route(req, res, path).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ResendError) return json(res, error.statusCode, error);
      if (error instanceof BodyError)
        return json(res, error.status, {
          statusCode: error.status,
          name: 'validation_error',
          code: 'bad_request',
          message: error.message,
        });
      json(res, 500, {
        statusCode: 500,
        name: 'internal_server_error',
        message: error instanceof Error ? error.message : String(error),
      });
    });
  };
}
