/**
 * The ingest Worker: Hono routes, the Cron Trigger (the daily retention run, the scheduled
 * e-mail reports) and the SiteLive Durable Object class. See docs/ingest.md for the pipeline and docs/architecture.md for where it sits.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './env.js';
import { IngestError, onError } from './lib/errors.js';
import { applyRetention, RETENTION_CRON } from './lib/retention.js';
import { sendDueReports } from './lib/scheduled-reports.js';
import { buildGoalRollups, buildPropertyRollups } from './lib/goal-rollups.js';
import { events } from './routes/events.js';
import { trackerCoreScript, trackerScript, trackerVitalsScript } from './routes/tracker-script.js';
import { live } from './routes/live.js';
import { watch } from './routes/watch.js';
import { health } from './routes/health.js';
import { invitations } from './routes/invitations.js';
import { passes } from './routes/passes.js';
import { stats } from './routes/stats.js';

export { SiteLive } from './durable-objects/site-live.js';

const app = new Hono<AppEnv>();

// Only handlers and Durable Object classes may be exported from here: workerd refuses to start a
// module that exports anything else (the test pool does not notice).

// The dashboard's calls (another origin) carry a bearer token, never cookies: any origin may.
const dashboardCors = cors({
  origin: '*',
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type'],
  maxAge: 600,
});
for (const path of ['/v1/live-pass', '/v1/share/*', '/v1/sites/*']) app.use(path, dashboardCors);
// The Stats API from a page of another origin: the same, and its rate-limit headers readable.
app.use(
  '/api/*',
  cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type'],
    exposeHeaders: [
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
      'Retry-After',
      'Content-Disposition',
    ],
    maxAge: 600,
  }),
);
app.route('/v1/events', events);
app.route('/s.js', trackerScript);
app.route('/s.core.js', trackerCoreScript);
app.route('/s.vitals.js', trackerVitalsScript);
app.route('/v1/sites', live);
app.route('/v1/sites', watch);
app.route('/v1/sites', invitations);
app.route('/v1', passes);
app.route('/v1/health', health);
app.route('/api/v1', stats);
app.notFound(() => {
  throw new IngestError(404, 'not_found', 'no such route');
});
app.onError(onError);

export default {
  fetch: app.fetch,
  /**
   * The Cron Trigger (hourly, and daily at RETENTION_CRON): the e-mail reports due in any time
   * zone go out on every run (a report already sent is not sent again), goals too large to
   * build when they were defined and sites from before the property rollups get their rollups;
   * once a day, rows past their retention period leave Postgres.
   */
  scheduled(controller, env, ctx): Promise<void> {
    const runs = [
      sendDueReports(env, new Date(controller.scheduledTime)).then((run) =>
        console.info(`reports: ${JSON.stringify(run)}`),
      ),
    ];
    runs.push(
      buildGoalRollups(env)
        .then((run) => console.info(`goal rollups: ${JSON.stringify(run)}`))
        // Sites from before the property rollups (none once an upgraded project is built).
        .then(() => buildPropertyRollups(env))
        .then((run) => console.info(`property rollups: ${JSON.stringify(run)}`)),
    );
    if (controller.cron === RETENTION_CRON)
      runs.push(
        applyRetention(env).then((deleted) =>
          console.info(`retention: deleted ${JSON.stringify(deleted)}`),
        ),
      );
    const done = Promise.all(runs).then(() => undefined);
    ctx.waitUntil(done);
    // Also returned, so that a run by hand (`/__scheduled` under wrangler dev) answers when done.
    return done;
  },
} satisfies ExportedHandler<Env>;
