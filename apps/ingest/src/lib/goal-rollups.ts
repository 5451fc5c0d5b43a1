/**
 * Goal and property rollups (supabase/schemas/38_goal_rollups.sql, 38_property_rollups.sql):
 * a goal created or changed on a large site is not built inside the dashboard's write (it can
 * take a minute), and a site that existed before the property rollups has none until they are
 * built from its raw rows; meanwhile the reports are evaluated on the raw rows, exact but
 * slower. The hourly Cron Trigger builds them, one goal (one site) per call, while the RPC
 * reports more, up to MAX_CALLS a run (the next run takes the rest).
 */
import { postgrest } from './supabase.js';

const MAX_CALLS = 10;

export interface GoalBuildResult {
  built: number;
  more: boolean;
}

async function buildRollups(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>,
  rpc: 'build_goal_rollups' | 'build_property_rollups',
): Promise<GoalBuildResult> {
  const total: GoalBuildResult = { built: 0, more: false };
  for (let call = 0; call < MAX_CALLS; call++) {
    const result: { data: unknown; error: { message: string } | null } = await postgrest(
      env,
      300_000,
    ).rpc(rpc, { p_limit: 1 });
    if (result.error)
      throw new Error(`${rpc} failed: ${result.error.message}`, { cause: result.error });
    const data = result.data as Partial<GoalBuildResult> | null;
    total.built += data?.built ?? 0;
    total.more = data?.more === true;
    if (!total.more) break;
  }
  return total;
}

/**
 * @example
 * await buildGoalRollups(env); // { built: 1, more: false }
 */
export function buildGoalRollups(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>,
): Promise<GoalBuildResult> {
  return buildRollups(env, 'build_goal_rollups');
}

/**
 * @example
 * await buildPropertyRollups(env); // { built: 0, more: false } once every site is built
 */
export function buildPropertyRollups(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_SECRET_KEY'>,
): Promise<GoalBuildResult> {
  return buildRollups(env, 'build_property_rollups');
}
