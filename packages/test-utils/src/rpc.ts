/**
 * Calling a PostgREST function the way a dashboard does: POST /rest/v1/rpc/<fn> with the
 * project's key and, when given, a user's token. For benchmarks and tests that time or drive
 * the RPCs directly, without a client library in between.
 */

/** A project (or devstack) to call: its base URL, an API key and an optional user token. */
export interface RpcTarget {
  /** The project URL, e.g. `stack.url` (the REST API is under `/rest/v1`). */
  url: string;
  apikey: string;
  /** A user's access token; without one the API key alone decides the role. */
  token?: string;
}

/** An RPC answered with an error status; keeps the status and the body PostgREST sent. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code = 'RPC_FAILED';
  constructor(
    readonly fn: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${fn}: ${status} ${body.slice(0, 300)}`);
  }
}

/**
 * Calls `fn` with `args` (its named parameters) and resolves with the parsed response (null
 * for an empty one); rejects with an {@link RpcError} on a non-2xx answer.
 *
 * @example
 * const overview = await callRpc(
 *   { url: stack.url, apikey: stack.anonKey, token },
 *   'stats_overview',
 *   { p_site: 'shop', p_from: from, p_to: to },
 * );
 */
export async function callRpc<T = unknown>(
  target: RpcTarget,
  fn: string,
  args: object = {},
): Promise<T> {
  const headers: Record<string, string> = {
    apikey: target.apikey,
    'content-type': 'application/json',
  };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const response = await fetch(`${target.url}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(args),
  });
  const text = await response.text();
  if (!response.ok) throw new RpcError(fn, response.status, text);
  return (text ? JSON.parse(text) : null) as T;
}
