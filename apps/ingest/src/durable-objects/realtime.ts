/**
 * Pushes a live message to Supabase Realtime's broadcast endpoint (HTTP API, no socket to
 * keep). Failures are reported, never thrown: the live layer heals with the next full snapshot
 * and ingest never waits on it.
 */
import { LIVE_EVENT, liveTopic, type LiveMessage } from '@sightline/schema';
import { serviceHeaders, type SupabaseEnv } from '../lib/supabase.js';

/** A push slower than this is abandoned; the next message supersedes it anyway. */
const TIMEOUT_MS = 3_000;

/**
 * @example
 * const ok = await broadcast(env, message);
 */
export async function broadcast(env: SupabaseEnv, message: LiveMessage): Promise<boolean> {
  try {
    const response = await fetch(`${env.SUPABASE_URL}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { ...serviceHeaders(env), 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [
          // Private: only a token for the site (or anyone, for a public_live site) may join the
          // topic (supabase/schemas/41_realtime.sql).
          { topic: liveTopic(message.site), event: LIVE_EVENT, payload: message, private: true },
        ],
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
