import type { IncomingMessage } from 'node:http';
import type pg from 'pg';
import type { Inbox } from '../inbox/store.js';
import type { TokenKeys } from '../tokens.js';
import type { AuthConfig } from './config.js';
import { AuthApiError } from './errors.js';

/** What every Auth handler gets: the database, the keys, the settings and the inbox. */
export interface AuthContext {
  db: pg.Pool;
  keys: TokenKeys;
  config: AuthConfig;
  inbox: Inbox;
  log: (line: string) => void;
}

export interface AuthRequest {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON (or form) body; `{}` for GET. */
  body: Record<string, unknown>;
  client: { userAgent?: string; ip?: string };
}

export type AuthResult =
  { status: number; body?: unknown; headers?: Record<string, string> } | { redirect: string };

export type AuthHandler = (ctx: AuthContext, request: AuthRequest) => Promise<AuthResult>;

export const ok = (body: unknown, headers?: Record<string, string>): AuthResult => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});

/**
 * Runs `fn` in a transaction. A returned AuthApiError is thrown after COMMIT: for failures whose
 * side effects must stay (refresh token reuse ends the session, then answers 400).
 */
export async function transaction<T>(
  ctx: AuthContext,
  fn: (db: pg.PoolClient) => Promise<T | AuthApiError>,
): Promise<T> {
  const client = await ctx.db.connect();
  let result: T | AuthApiError;
  try {
    await client.query('begin');
    result = await fn(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  // Messages written in the transaction are visible now: wake inbox pollers.
  ctx.inbox.announce();
  if (result instanceof AuthApiError) throw result;
  return result;
}

export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function objectField(
  body: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const value = body[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
