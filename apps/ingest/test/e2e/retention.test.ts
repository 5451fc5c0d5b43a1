/**
 * The Worker's Cron Trigger runs the database's retention (supabase/migrations/0008): rows past
 * their period leave Postgres, younger ones stay.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index.js';
import { uid } from '../support/helpers.js';
import { createSite, db, rows } from '../support/e2e-db.js';

const row = (site: string, at: Date) => ({
  site_id: site,
  id: uid('evt'),
  type: 'pageview',
  at: at.toISOString(),
  session_id: 'ses_retention',
  visitor_id: 'vis_retention',
  path: '/',
});

describe('the scheduled retention run', () => {
  it('deletes raw events past their 90 days and keeps the younger ones', async () => {
    const site = await createSite();
    const old = row(site, new Date(Date.now() - 91 * 86_400_000));
    const young = row(site, new Date(Date.now() - 89 * 86_400_000));
    expect((await db.from('events').insert([old, young])).error).toBeNull();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '17 3 * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await rows<{ id: string }>('events', site, 'id')).map((e) => e.id)).toEqual([young.id]);
  });
});
