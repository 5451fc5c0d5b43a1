import type { PostgrestClient } from '@supabase/postgrest-js';

interface RpcResponse {
  data: unknown;
  status: number;
  error: { code: string; message: string; details: string | null } | null;
}

// The clients are untyped (no generated Database type): one cast here instead of at each call.
const call = (client: PostgrestClient, fn: string, args: object): Promise<RpcResponse> =>
  client.rpc(fn as never, args as never) as unknown as Promise<RpcResponse>;

/** Calls an RPC through PostgREST and returns its data, failing the test on an error. */
export async function rpc<T>(client: PostgrestClient, fn: string, args: object): Promise<T> {
  const { data, error } = await call(client, fn, args);
  if (error) throw new Error(`${fn}: ${error.code} ${error.message}`);
  return data as T;
}

/** Calls an RPC expecting an error: returns PostgREST's status and error body. */
export async function rpcError(
  client: PostgrestClient,
  fn: string,
  args: object,
): Promise<{ status: number; code: string; message: string; details: string | null }> {
  const { error, status } = await call(client, fn, args);
  if (!error) throw new Error(`${fn} succeeded, expected an error`);
  return { status, code: error.code, message: error.message, details: error.details };
}
