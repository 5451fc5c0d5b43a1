/**
 * The Stats API, `/api/v1/sites/:id/…`: `overview`, `timeseries`, `breakdown` (POST, a JSON
 * body validated by @sightline/schema's zod schemas) and `live` (GET). A route group of the
 * ingest Worker rather than a Worker of its own: it needs the same bindings (the SiteLive objects
 * for `live`, KV for rate limits, the signing key for API-key passes, the Supabase keys), and
 * one deployment keeps them in step. docs/stats-api.md describes it; docs/stats-api.openapi.json
 * is generated from the schemas.
 */
import { Hono, type Context } from 'hono';
import {
  BreakdownQuery,
  OverviewQuery,
  SiteId,
  parseStatsQuery,
  TimeseriesQuery,
  type EventPropertyRow,
  type GoalRow,
  type StatsFilter,
} from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { IngestError } from '../lib/errors.js';
import { liveShardCount, siteLive } from '../lib/site-live-stub.js';
import { aeBreakdown, aeOverview, aeTimeseries, type AeCall } from '../stats/analytics-engine.js';
import { statsCaller, type StatsCaller } from '../stats/caller.js';
import {
  pgBreakdown,
  pgEventProperty,
  pgGoals,
  pgImported,
  pgOverview,
  pgTimeseries,
  type PgCall,
} from '../stats/postgres.js';
import { conversionsCsv, toCsv } from '../stats/csv.js';
import type { Plan } from '../stats/planner.js';
import type { Range } from '../stats/range.js';
import { answerReport, type Answered } from '../stats/report.js';

export const stats = new Hono<AppEnv>();

/** 10 filters of 20 values of 500 characters fit. */
const MAX_BODY = 128 * 1024;

async function body<S extends Parameters<typeof parseStatsQuery>[0]>(
  request: Request,
  schema: S,
): Promise<Exclude<ReturnType<typeof parseStatsQuery<S>>['data'], null>> {
  const text = await request.text();
  if (text.length > MAX_BODY)
    throw new IngestError(413, 'body_too_large', `a request body has at most ${MAX_BODY} bytes`);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new IngestError(400, 'invalid_json', 'the body is not JSON');
  }
  const parsed = parseStatsQuery(schema, json);
  if (parsed.issues)
    throw new IngestError(400, 'invalid_query', 'the query is not valid', {
      issues: parsed.issues,
    });
  return parsed.data as Exclude<typeof parsed.data, null>;
}

function siteParam(id: string): string {
  if (!SiteId.safeParse(id).success) throw new IngestError(404, 'unknown_site', 'no such site');
  return id;
}

/** JSON, or the range's rows as CSV with `?format=csv` (a download named after the report). */
function reply(
  c: Context<AppEnv>,
  answer: { results: unknown },
  name: string,
  key: 'value' | 'bucket' | null,
  csv: (rows: never[]) => string = (rows) => toCsv(rows, key),
): Response {
  if (c.req.query('format') !== 'csv') return c.json(answer);
  const rows = (Array.isArray(answer.results) ? answer.results : [answer.results]) as never[];
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return c.body(csv(rows));
}

stats.use('*', async (c, next) => {
  await next();
  c.header('Cache-Control', 'private, no-store');
});

/**
 * The planned store's answer for one range: Postgres with the planner's rollup filters (exact),
 * Analytics Engine with the request's filters (sums × sample interval).
 */
function fromStore<T>(
  c: Context<AppEnv>,
  caller: StatsCaller,
  site: string,
  filters: readonly StatsFilter[],
  postgres: (call: PgCall) => Promise<T>,
  analyticsEngine: (call: AeCall) => Promise<{ results: T; sampleInterval: number }>,
) {
  return async (p: Plan, range: Range): Promise<Answered<T>> => {
    if (p.source !== 'postgres')
      return { source: p.source, ...(await analyticsEngine({ env: c.env, site, range, filters })) };
    const call = { env: c.env, token: caller.token, site, range, filters: p.filters };
    // Postgres answers say whether imported history is in them (docs/imports.md).
    const [results, imported] = await Promise.all([postgres(call), pgImported(call)]);
    return { source: p.source, sampleInterval: 1, results, imported };
  };
}

stats.post('/sites/:id/overview', async (c) => {
  const site = siteParam(c.req.param('id'));
  const q = await body(c.req.raw, OverviewQuery);
  const caller = await statsCaller(c, site);
  const answer = await answerReport(
    c.env,
    caller,
    { site, kind: 'overview', ...q },
    fromStore(c, caller, site, q.filters, pgOverview, aeOverview),
  );
  return reply(c, answer, `${site}-overview`, null);
});

stats.post('/sites/:id/timeseries', async (c) => {
  const site = siteParam(c.req.param('id'));
  const q = await body(c.req.raw, TimeseriesQuery);
  const caller = await statsCaller(c, site);
  const answer = await answerReport(
    c.env,
    caller,
    { site, kind: 'timeseries', ...q },
    fromStore(
      c,
      caller,
      site,
      q.filters,
      (call) => pgTimeseries(call, q.resolution),
      (call) => aeTimeseries(call, q.resolution),
    ),
  );
  return reply(c, answer, `${site}-timeseries-${q.resolution}`, 'bucket');
});

stats.post('/sites/:id/breakdown', async (c) => {
  const site = siteParam(c.req.param('id'));
  const q = await body(c.req.raw, BreakdownQuery);
  const caller = await statsCaller(c, site);
  if (q.dimension === 'goal' || q.dimension === 'event_property') {
    // Goals and properties: the conversion RPCs (the planner says Postgres or refuses).
    const byProperty = q.dimension === 'event_property' ? q : null;
    const answer = await answerReport(
      c.env,
      caller,
      { site, kind: 'conversions', ...q, dimension: undefined },
      fromStore(
        c,
        caller,
        site,
        q.filters,
        (call): Promise<(GoalRow | EventPropertyRow)[]> =>
          byProperty
            ? pgEventProperty(call, byProperty.event, byProperty.property, byProperty.limit)
            : pgGoals(call),
        () => Promise.reject(new Error('the planner sends conversions to Postgres only')),
      ),
    );
    const name = byProperty ? `${site}-event_property` : `${site}-goal`;
    return reply(c, answer, name, 'value', conversionsCsv);
  }
  const answer = await answerReport(
    c.env,
    caller,
    { site, kind: 'breakdown', ...q },
    fromStore(
      c,
      caller,
      site,
      q.filters,
      (call) => pgBreakdown(call, q.dimension, q.limit),
      (call) => aeBreakdown(call, q.dimension, q.limit),
    ),
  );
  return reply(c, answer, `${site}-${q.dimension}`, 'value');
});

/** Visitors on the site now: the SiteLive objects' exact count (every shard's, summed). */
stats.get('/sites/:id/live', async (c) => {
  const site = siteParam(c.req.param('id'));
  const caller = await statsCaller(c, site);
  if (caller.hidden.includes('live'))
    throw new IngestError(403, 'live_hidden', 'the live view of this site is not shown to you');
  const counts = await Promise.all(
    Array.from({ length: liveShardCount(c.env, site) }, (_, shard) =>
      siteLive(c.env, site, shard).visitorsNow(),
    ),
  );
  let visitorsNow = 0;
  let at: number | null = null;
  for (const s of counts) {
    visitorsNow += s.visitorsNow;
    at = Math.max(at ?? 0, s.at);
  }
  return c.json({ site, visitorsNow, at });
});
