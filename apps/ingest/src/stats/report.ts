/**
 * One report of the Stats API, planned and answered: the range and, when asked, the comparison
 * period, each from the store the planner picks (they may differ: a year ago may be beyond
 * Analytics Engine's retention while today is not), with where each answer came from.
 */
import { dimensionCard, type Dimension, type StatsFilter, type StatsMeta } from '@sightline/schema';
import { IngestError } from '../lib/errors.js';
import type { AeEnv } from './analytics-engine.js';
import type { StatsCaller } from './caller.js';
import { plan, type PlanContext, type ReportKind } from './planner.js';
import { comparisonRange, requestRange, type Range } from './range.js';

export interface StatsEnv extends AeEnv {
  SUPABASE_URL: string;
  SUPABASE_PUBLISHABLE_KEY: string;
  ANALYTICS_ENGINE_RETENTION_DAYS?: string;
  ANALYTICS_ENGINE_SINCE?: string;
}

/** What a store answers for one range. */
export interface Answered<T> {
  results: T;
  source: StatsMeta['source'];
  sampleInterval: number;
  /** Postgres: whether imported history is in the results. */
  imported?: StatsMeta['imported'];
}

export interface ReportRequest {
  site: string;
  kind: ReportKind;
  dimension?: Dimension;
  from: string;
  to: string;
  compare?: 'previous_period' | 'previous_year';
  filters: readonly StatsFilter[];
}

/** Sessions are kept 400 days (private.retention, docs/database.md "Retention"). */
const SESSION_RETENTION_DAYS = 400;

function planContext(env: StatsEnv, caller: StatsCaller): PlanContext {
  const days = Number(env.ANALYTICS_ENGINE_RETENTION_DAYS);
  return {
    timeZone: caller.timeZone,
    now: Date.now(),
    aeRetentionDays: env.ANALYTICS_ENGINE_SQL_URL
      ? Number.isFinite(days) && days >= 0
        ? days
        : 90
      : 0,
    aeSince: Date.parse(env.ANALYTICS_ENGINE_SINCE ?? '') || 0,
    sessionRetentionDays: SESSION_RETENTION_DAYS,
  };
}

/** Share links hide whole cards; the Worker refuses them for Analytics Engine as Postgres does. */
function checkHidden(caller: StatsCaller, req: ReportRequest): void {
  if (req.kind === 'conversions' && caller.hidden.includes('conversions'))
    throw new IngestError(
      403,
      'report_hidden',
      'the report "conversions" is hidden on this shared dashboard',
    );
  const dims = [...(req.dimension ? [req.dimension] : []), ...req.filters.map((f) => f[1])];
  const hidden = dims.find((d) => caller.hidden.includes(dimensionCard(d)));
  if (hidden)
    throw new IngestError(
      403,
      'report_hidden',
      `the report "${dimensionCard(hidden)}" is hidden on this shared dashboard`,
    );
}

/**
 * @example
 * await answerReport(env, caller, req, (plan, range) => ...)
 */
export async function answerReport<T>(
  env: StatsEnv,
  caller: StatsCaller,
  req: ReportRequest,
  run: (planned: ReturnType<typeof plan>, range: Range) => Promise<Answered<T>>,
) {
  checkHidden(caller, req);
  const range = requestRange(req.from, req.to);
  const ctx = planContext(env, caller);
  const one = async (r: Range) => {
    const answered = await run(plan(req.kind, req.dimension, req.filters, r, ctx), r);
    const meta: StatsMeta = {
      source: answered.source,
      exact: answered.sampleInterval === 1,
      sampleInterval: answered.sampleInterval,
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
      ...(answered.imported ? { imported: answered.imported } : {}),
    };
    return { meta, results: answered.results };
  };
  const compared = async (r: Range) => {
    try {
      return await one(r);
    } catch (error) {
      // Say that it is the comparison period a store cannot answer, not the range asked for.
      if (error instanceof IngestError && error.status === 422)
        throw new IngestError(
          422,
          error.code,
          `the comparison period (${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}): ${error.message}`,
          { cause: error },
        );
      throw error;
    }
  };
  const [main, comparison] = await Promise.all([
    one(range),
    req.compare ? compared(comparisonRange(range, req.compare, ctx.timeZone)) : null,
  ]);
  return { ...main, comparison };
}
