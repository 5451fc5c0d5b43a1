/**
 * The daily retention run (wrangler.jsonc `triggers.crons`): `public.apply_retention()` deletes
 * rows past each table's period (supabase/migrations/0008_privacy_and_retention.sql), a bounded
 * slice per call; this repeats the call while it reports more, up to MAX_CALLS a run (the next
 * run takes the rest).
 */
import { postgrest } from './supabase.js';

const MAX_CALLS = 20;

/** The daily schedule in wrangler.jsonc `triggers.crons` that also runs retention. */
export const RETENTION_CRON = '17 3 * * *';

export type RetentionResult = Record<string, number | boolean>;

/**
 * @example
 * await applyRetention(env); // { events: 120, visitors: 3, …, more: false }
 */
export async function applyRetention(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>,
): Promise<RetentionResult> {
  const total: RetentionResult = {};
  for (let call = 0; call < MAX_CALLS; call++) {
    const result: { data: unknown; error: { message: string } | null } = await postgrest(
      env,
      60_000,
    ).rpc('apply_retention');
    const { error } = result;
    const data = result.data as RetentionResult | null;
    if (error) throw new Error(`apply_retention failed: ${error.message}`, { cause: error });
    for (const [table, value] of Object.entries(data ?? {}))
      if (typeof value === 'number') total[table] = Number(total[table] ?? 0) + value;
    total.more = data?.more === true;
    if (!total.more) break;
  }
  return total;
}
