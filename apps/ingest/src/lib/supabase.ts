/**
 * The PostgREST client the Worker and the SiteLive Durable Object share: service-role key as
 * apikey and bearer, the platform fetch, no blind retries (the Durable Object owns retrying
 * `ingest_batch` with the same batch id; a site lookup is retried by the next beacon).
 */
import { PostgrestClient } from '@sightline/postgrest';

export interface SupabaseEnv {
  SUPABASE_URL: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
}

/** Service-role headers for any Supabase endpoint (REST or Realtime). */
export function serviceHeaders(env: SupabaseEnv): Record<string, string> {
  const key = env.SUPABASE_SERVICE_ROLE_KEY;
  return { apikey: key, Authorization: `Bearer ${key}` };
}

/**
 * @example
 * const { data, error } = await postgrest(env).rpc('ingest_batch', { payload });
 */
export function postgrest(env: SupabaseEnv, timeout = 10_000): PostgrestClient {
  return new PostgrestClient(`${env.SUPABASE_URL}/rest/v1`, {
    headers: serviceHeaders(env),
    // Bound to globalThis: workerd throws "Illegal invocation" on an unbound fetch.
    fetch: (input, init) => fetch(input, init),
    timeout,
    retry: false,
  });
}
