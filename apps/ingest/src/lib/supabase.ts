/**
 * The PostgREST clients of the Worker and the SiteLive Durable Object. `postgrest(env)` is the
 * service: the project's secret key (`sb_secret_…`, or the legacy service_role JWT) as apikey
 * and bearer, the platform fetch, no blind retries (the Durable Object owns retrying
 * `ingest_batch` with the same batch id; a site lookup is retried by the next beacon).
 * `asCaller(env, token)` is PostgREST as a dashboard user or pass holder: the publishable key and
 * their token, so row-level security decides, as for their own requests.
 */
import { PostgrestClient } from '@sightline/postgrest';

export interface SupabaseEnv {
  SUPABASE_URL: string;
  SUPABASE_SECRET_KEY: string;
}

/** Service headers for any Supabase endpoint (REST, Realtime, Auth admin). */
export function serviceHeaders(env: SupabaseEnv): Record<string, string> {
  const key = env.SUPABASE_SECRET_KEY;
  return { apikey: key, Authorization: `Bearer ${key}` };
}

function client(url: string, headers: Record<string, string>, timeout: number): PostgrestClient {
  return new PostgrestClient(`${url}/rest/v1`, {
    headers,
    // Bound to globalThis: workerd throws "Illegal invocation" on an unbound fetch.
    fetch: (input, init) => fetch(input, init),
    timeout,
    retry: false,
  });
}

/**
 * @example
 * const { data, error } = await postgrest(env).rpc('ingest_batch', { payload });
 */
export function postgrest(env: SupabaseEnv, timeout = 10_000): PostgrestClient {
  return client(env.SUPABASE_URL, serviceHeaders(env), timeout);
}

/**
 * @example
 * const { data, error } = await asCaller(env, token).rpc('site_access', { p_site: 'shop' });
 */
export function asCaller(
  env: { SUPABASE_URL: string; SUPABASE_PUBLISHABLE_KEY: string },
  token: string,
  timeout = 5_000,
): PostgrestClient {
  return client(
    env.SUPABASE_URL,
    { apikey: env.SUPABASE_PUBLISHABLE_KEY, Authorization: `Bearer ${token}` },
    timeout,
  );
}
