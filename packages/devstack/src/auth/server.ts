import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { BodyError, readJsonBody } from '../http-body.js';
import type { Inbox } from '../inbox/store.js';
import type { TokenKeys } from '../tokens.js';
import { getUser, logout, updateUser } from './account.js';
import { adminUsers, generateLink, invite } from './admin.js';
import type { AuthConfig } from './config.js';
import {
  ok,
  type AuthContext,
  type AuthHandler,
  type AuthRequest,
  type AuthResult,
} from './context.js';
import { AuthApiError, sendAuthError } from './errors.js';
import { token } from './grants.js';
import { otp, recover, resend, signup } from './signup.js';
import { verifyGet, verifyPost } from './verify.js';

/** The static routes answer at once. */
const resolved = (body: unknown, headers?: Record<string, string>): Promise<AuthResult> =>
  Promise.resolve(ok(body, headers));

const settings: AuthHandler = (ctx) =>
  resolved({
    external: {
      anonymous_users: false,
      apple: false,
      azure: false,
      bitbucket: false,
      discord: false,
      facebook: false,
      figma: false,
      github: false,
      gitlab: false,
      google: false,
      keycloak: false,
      linkedin_oidc: false,
      notion: false,
      slack_oidc: false,
      spotify: false,
      twitch: false,
      twitter: false,
      workos: false,
      zoom: false,
      email: true,
      phone: false,
    },
    disable_signup: ctx.config.disableSignup,
    mailer_autoconfirm: !ctx.config.enableConfirmations,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
  });

const jwks: AuthHandler = (ctx) =>
  resolved(ctx.keys.jwks, { 'cache-control': 'public, max-age=600' });

const openIdConfiguration: AuthHandler = (ctx) =>
  resolved({
    issuer: ctx.keys.issuer,
    jwks_uri: `${ctx.keys.issuer}/.well-known/jwks.json`,
    token_endpoint: `${ctx.keys.issuer}/token`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256', 'plain'],
  });

const health: AuthHandler = () =>
  resolved({
    version: 'devstack',
    name: 'GoTrue',
    description: 'Sightline devstack Auth (GoTrue-compatible)',
  });

const ROUTES: Record<string, AuthHandler> = {
  'GET /health': health,
  'GET /settings': settings,
  'GET /.well-known/jwks.json': jwks,
  'GET /.well-known/openid-configuration': openIdConfiguration,
  'POST /signup': signup,
  'POST /token': token,
  'POST /otp': otp,
  'POST /magiclink': otp,
  'GET /verify': verifyGet,
  'POST /verify': verifyPost,
  'POST /recover': recover,
  'POST /resend': resend,
  'GET /user': getUser,
  'PUT /user': updateUser,
  'POST /logout': logout,
  'POST /invite': invite,
  'POST /admin/generate_link': generateLink,
  'GET /admin/users': (ctx, request) => adminUsers(ctx, request),
  'POST /admin/users': (ctx, request) => adminUsers(ctx, request),
};

function route(method: string, path: string): AuthHandler | undefined {
  const exact = ROUTES[`${method} ${path}`];
  if (exact) return exact;
  const user = /^\/admin\/users\/([^/]+)$/.exec(path);
  if (user && ['GET', 'PUT', 'DELETE'].includes(method))
    return (ctx, request) => adminUsers(ctx, request, decodeURIComponent(user[1]!));
  return undefined;
}

async function parseRequest(req: IncomingMessage, path: string): Promise<AuthRequest> {
  const method = req.method ?? 'GET';
  let body: Record<string, unknown> = {};
  if (method !== 'GET' && method !== 'HEAD') {
    let parsed: unknown;
    try {
      parsed = await readJsonBody(req);
    } catch (error) {
      if (error instanceof BodyError && error.status === 413)
        throw new AuthApiError(413, 'request_entity_too_large', error.message);
      throw new AuthApiError(
        400,
        'bad_json',
        'Could not parse request body as JSON',
        {},
        { cause: error },
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new AuthApiError(
        400,
        'bad_json',
        'Could not parse request body as JSON: expected an object',
      );
    body = parsed as Record<string, unknown>;
  }
  const userAgent = req.headers['user-agent'];
  const ip = req.socket.remoteAddress;
  return {
    req,
    method,
    path,
    query: new URL(req.url ?? '/', 'http://localhost').searchParams,
    body,
    client: { ...(userAgent ? { userAgent } : {}), ...(ip ? { ip } : {}) },
  };
}

function write(res: ServerResponse, result: AuthResult): void {
  if ('redirect' in result) {
    res.writeHead(303, { location: result.redirect });
    res.end();
    return;
  }
  const headers = { 'access-control-allow-origin': '*', ...result.headers };
  if (result.body === undefined) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(result.body));
}

export interface AuthServerOptions {
  db: pg.Pool;
  keys: TokenKeys;
  config: AuthConfig;
  inbox: Inbox;
  log: (line: string) => void;
}

/**
 * The devstack's Auth: GoTrue's HTTP API (the part Sightline uses) over the `auth` schema, so the
 * unmodified `@supabase/auth-js` signs up, signs in and refreshes against it. Returns the handler
 * for /auth/v1/*, `path` with that prefix stripped.
 */
export function authHandler(options: AuthServerOptions) {
  const ctx: AuthContext = { ...options };
  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const handler = route(req.method ?? 'GET', path);
    const run = async (): Promise<void> => {
      if (!handler)
        throw new AuthApiError(404, 'not_found', `no route ${req.method ?? 'GET'} ${path}`);
      write(res, await handler(ctx, await parseRequest(req, path)));
    };
    run().catch((error: unknown) => {
      if (
        !(error instanceof AuthApiError) &&
        !(error instanceof Error && error.name === 'OAuthError')
      )
        options.log(
          `auth: ${req.method ?? 'GET'} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      if (res.headersSent) res.destroy();
      else sendAuthError(req, res, error);
    });
  };
}
