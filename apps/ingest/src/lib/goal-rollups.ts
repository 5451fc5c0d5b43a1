/**
 * Goal rollups (supabase/schemas/38_goal_rollups.sql): a goal created or changed on a large
 * site is not built inside the dashboard's write (it can take a minute); until it is, its
 * reports are evaluated on the raw rows, exact but slower. The hourly Cron Trigger builds such
 * goals, one per call, while `public.build_goal_rollups()` reports more, up to MAX_CALLS a run
 * (the next run takes the rest).
 */
import { postgrest } from './supabase.js';

const MAX_CALLS = 10;

export interface GoalBuildResult {
  built: number;
  more: boolean;
}

/**
 * @example
 * await buildGoalRollups(env); // { built: 1, more: false }
 */
export async function buildGoalRollups(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>,
): Promise<GoalBuildResult> {
  const total: GoalBuildResult = { built: 0, more: false };
  for (let call = 0; call < MAX_CALLS; call++) {
    const result: { data: unknown; error: { message: string } | null } = await postgrest(
      env,
      300_000,
    ).rpc('build_goal_rollups', { p_limit: 1 });
    if (result.error)
      throw new Error(`build_goal_rollups failed: ${result.error.message}`, {
        cause: result.error,
      });
    const data = result.data as Partial<GoalBuildResult> | null;
    total.built += data?.built ?? 0;
    total.more = data?.more === true;
    if (!total.more) break;
  }
  return total;
}
