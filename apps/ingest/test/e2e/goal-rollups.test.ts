/**
 * The Worker's hourly Cron Trigger builds the goal rollups that were not built when their goal
 * was defined (supabase/schemas/38_goal_rollups.sql: a goal of a large site is left to it), and
 * the property rollups of sites from before them (38_property_rollups.sql).
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index.js';
import { createSite, db } from '../support/e2e-db.js';

describe('the hourly scheduled run', () => {
  it('builds the rollups of a goal left unbuilt', async () => {
    const site = await createSite();
    const { data: goal, error } = await db
      .from('goals')
      .insert({ site_id: site, name: 'Purchase', event_name: 'purchase' })
      .select('id')
      .single<{ id: number }>();
    expect(error).toBeNull();
    // Defined on a large site, it would have no build yet: as if so.
    const dropped = await db.from('goal_rollup_builds').delete().eq('goal_id', goal!.id);
    expect(dropped.error).toBeNull();
    const built = () => db.from('goal_rollup_builds').select('goal_id').eq('goal_id', goal!.id);
    expect((await built()).data).toEqual([]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '5 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await built()).data).toEqual([{ goal_id: goal!.id }]);
  });

  it('builds the property rollups of a site from before them', async () => {
    const site = await createSite();
    // A new site starts built; a site from before the upgrade has no build: as if so.
    const dropped = await db.from('property_rollup_builds').delete().eq('site_id', site);
    expect(dropped.error).toBeNull();
    const built = () => db.from('property_rollup_builds').select('site_id').eq('site_id', site);
    expect((await built()).data).toEqual([]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '5 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await built()).data).toEqual([{ site_id: site }]);
  });
});
