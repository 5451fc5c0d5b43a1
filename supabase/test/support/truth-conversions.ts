// The conversion reports' ground truth, computed in TypeScript from the generated events alone
// (never from the database), following docs/conversions.md: goals, conversions per breakdown
// row, funnels, custom-event properties, links and 404s, scroll depth and web vitals per page.
import { goalMatches, matchesPath, propText, type Goal } from '@sightline/schema';
import type { IngestEvent } from '@sightline/schema';
import type { Traffic } from './traffic.js';
import { sessionsIn, truthOverview, type Filters, type SessionFacts } from './truth.js';

/** Revenue per currency, rounded to the cent (amounts are sums of cent values). */
export type Revenue = Record<string, number>;

function addRevenue(into: Revenue, event: IngestEvent): void {
  if (!event.revenue) return;
  const { currency, amount } = event.revenue;
  into[currency] = Math.round(((into[currency] ?? 0) + amount) * 100) / 100;
}

/** What completes a goal in one session: matching custom events, or its matching pages. */
function goalHits(
  s: SessionFacts,
  goal: Goal,
): { conversions: number; revenue: Revenue; times: number[] } | null {
  const revenue: Revenue = {};
  if (goal.event_name !== null) {
    const events = s.session.events.filter(
      (e) =>
        e.type === 'custom' &&
        goalMatches(goal, { type: 'custom', path: e.path, name: e.name, props: e.props }),
    );
    if (events.length === 0) return null;
    events.forEach((e) => addRevenue(revenue, e));
    return { conversions: events.length, revenue, times: events.map((e) => Date.parse(e.at)) };
  }
  const pages = [...s.pages.entries()].filter(([path]) => matchesPath(goal.page_path!, path));
  if (pages.length === 0) return null;
  return {
    conversions: pages.reduce((sum, [, p]) => sum + p.pageviews, 0),
    revenue,
    times: s.session.events
      .filter((e) => e.type === 'pageview' && matchesPath(goal.page_path!, e.path))
      .map((e) => Date.parse(e.at)),
  };
}

export interface GoalRow {
  goal_id: number;
  visitors: number;
  conversions: number;
  conversion_rate: number;
  revenue: Revenue;
}

export function truthGoals(
  traffic: Traffic,
  goals: Goal[],
  from: Date,
  to: Date,
  filters: Filters = {},
): GoalRow[] {
  const sessions = sessionsIn(traffic, from, to, filters);
  const total = truthOverview(traffic, from, to, filters).visitors;
  return goals.map((goal) => {
    const visitors = new Set<string>();
    const revenue: Revenue = {};
    let conversions = 0;
    for (const s of sessions) {
      const hit = goalHits(s, goal);
      if (!hit) continue;
      visitors.add(s.visitor);
      conversions += hit.conversions;
      for (const [c, a] of Object.entries(hit.revenue))
        revenue[c] = Math.round(((revenue[c] ?? 0) + a) * 100) / 100;
    }
    return {
      goal_id: goal.id,
      visitors: visitors.size,
      conversions,
      conversion_rate: total ? visitors.size / total : 0,
      revenue,
    };
  });
}

export interface GoalBreakdownRow {
  value: string;
  visitors: number;
  conversions: number;
  revenue: Revenue;
}

/** A session's values of a dimension (pages: viewed; events: sent; else its column). */
function valuesOf(s: SessionFacts, dimension: string, filters: Filters): string[] {
  if (dimension === 'page')
    return [...s.pages.keys()].filter((p) => filters.page === undefined || p === filters.page);
  if (dimension === 'event')
    return [...s.customs.keys()].filter((e) => filters.event === undefined || e === filters.event);
  const value = s.dims[dimension];
  if (value === undefined) throw new Error(`no ground truth for "${dimension}"`);
  return [value];
}

export function truthGoalBreakdown(
  traffic: Traffic,
  goal: Goal,
  dimension: string,
  from: Date,
  to: Date,
  filters: Filters = {},
): GoalBreakdownRow[] {
  const rows = new Map<string, { visitors: Set<string>; conversions: number; revenue: Revenue }>();
  for (const s of sessionsIn(traffic, from, to, filters)) {
    const hit = goalHits(s, goal);
    if (!hit) continue;
    for (const value of valuesOf(s, dimension, filters)) {
      const row = rows.get(value) ?? { visitors: new Set(), conversions: 0, revenue: {} };
      row.visitors.add(s.visitor);
      row.conversions += hit.conversions;
      for (const [c, a] of Object.entries(hit.revenue))
        row.revenue[c] = Math.round(((row.revenue[c] ?? 0) + a) * 100) / 100;
      rows.set(value, row);
    }
  }
  return [...rows.entries()]
    .map(([value, r]) => ({
      value,
      visitors: r.visitors.size,
      conversions: r.conversions,
      revenue: r.revenue,
    }))
    .sort(byVisitorsThen((r) => r.conversions));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byVisitorsThen<T extends { visitors: number; value: string }>(
  second: (row: T) => number,
): (a: T, b: T) => number {
  return (a, b) => b.visitors - a.visitors || second(b) - second(a) || compare(a.value, b.value);
}

export type Step = { page: string } | { goal: number };

export interface FunnelRow {
  step: number;
  visitors: number;
  sessions: number;
  dropoff: number;
  conversion_rate: number;
}

/** When a session completed a step: the times of its matching page views or goal events. */
function stepTimes(s: SessionFacts, step: Step, goals: Goal[]): number[] {
  if ('page' in step)
    return s.session.events
      .filter((e) => e.type === 'pageview' && matchesPath(step.page, e.path))
      .map((e) => Date.parse(e.at));
  const goal = goals.find((g) => g.id === step.goal);
  return goal ? (goalHits(s, goal)?.times ?? []) : [];
}

/**
 * The funnel as docs/conversions.md defines it: a session starts at its first completion of
 * step 1; it reaches step i at its first completion of step i at or after reaching step i-1,
 * within `windowMs` of the start when there is a limit.
 */
export function truthFunnel(
  traffic: Traffic,
  steps: Step[],
  goals: Goal[],
  windowMs: number | null,
  from: Date,
  to: Date,
  filters: Filters = {},
): FunnelRow[] {
  const reached = steps.map(() => ({ visitors: new Set<string>(), sessions: 0 }));
  for (const s of sessionsIn(traffic, from, to, filters)) {
    let start = Infinity;
    let at = -Infinity;
    for (const [i, step] of steps.entries()) {
      const candidates = stepTimes(s, step, goals).filter(
        (t) => t >= at && (i === 0 || windowMs === null || t <= start + windowMs),
      );
      if (candidates.length === 0) break;
      at = Math.min(...candidates);
      if (i === 0) start = at;
      reached[i]!.visitors.add(s.visitor);
      reached[i]!.sessions++;
    }
  }
  const first = reached[0]!.visitors.size;
  return reached.map((r, i) => ({
    step: i + 1,
    visitors: r.visitors.size,
    sessions: r.sessions,
    dropoff: i === 0 ? 0 : reached[i - 1]!.visitors.size - r.visitors.size,
    conversion_rate: first ? r.visitors.size / first : 0,
  }));
}

export interface PropertyRow {
  key: string;
  value: string;
  visitors: number;
  events: number;
  revenue: Revenue;
}

/** Properties of the custom events named `event` (or completing the event goal `goal`). */
export function truthProperties(
  traffic: Traffic,
  match: { event: string } | { goal: Goal },
  from: Date,
  to: Date,
  filters: Filters = {},
  limit = 10,
): PropertyRow[] {
  const rows = new Map<string, PropertyRow & { who: Set<string> }>();
  for (const s of sessionsIn(traffic, from, to, filters)) {
    for (const e of s.session.events) {
      if (e.type !== 'custom' || !e.props) continue;
      const candidate = { type: 'custom', path: e.path, name: e.name, props: e.props };
      if ('event' in match ? e.name !== match.event : !goalMatches(match.goal, candidate)) continue;
      for (const [key, raw] of Object.entries(e.props)) {
        const value = propText(raw);
        const id = `${key}\u0000${value}`;
        const row = rows.get(id) ?? {
          key,
          value,
          visitors: 0,
          events: 0,
          revenue: {},
          who: new Set<string>(),
        };
        row.who.add(s.visitor);
        row.events++;
        addRevenue(row.revenue, e);
        rows.set(id, row);
      }
    }
  }
  const all = [...rows.values()].map(({ who, ...r }) => ({ ...r, visitors: who.size }));
  const keys = [...new Set(all.map((r) => r.key))].sort(compare);
  return keys.flatMap((key) =>
    all
      .filter((r) => r.key === key)
      .sort(byVisitorsThen((r) => r.events))
      .slice(0, limit),
  );
}

export interface LinkRow {
  value: string;
  visitors: number;
  events: number;
}

export function truthLinks(
  traffic: Traffic,
  kind: 'outbound' | 'download' | '404',
  from: Date,
  to: Date,
  filters: Filters = {},
): LinkRow[] {
  const rows = new Map<string, { who: Set<string>; events: number }>();
  for (const s of sessionsIn(traffic, from, to, filters)) {
    for (const e of s.session.events) {
      let value: string | null = null;
      if (kind === '404' && e.type === 'custom' && e.name === '404') {
        const path = e.props?.path;
        value = typeof path === 'string' && path !== '' ? path : e.path;
      } else if (e.type === kind) value = e.name;
      if (value === null) continue;
      const row = rows.get(value) ?? { who: new Set(), events: 0 };
      row.who.add(s.visitor);
      row.events++;
      rows.set(value, row);
    }
  }
  return [...rows.entries()]
    .map(([value, r]) => ({ value, visitors: r.who.size, events: r.events }))
    .sort(byVisitorsThen((r) => r.events));
}

export interface PageEngagementRow {
  path: string;
  visits: number;
  scroll_visits: number;
  scroll_avg: number | null;
  loads: number;
  lcp_p75: number | null;
  inp_p75: number | null;
  cls_p75: number | null;
  ttfb_p75: number | null;
  fcp_p75: number | null;
}

/** Continuous 75th percentile (Postgres's percentile_cont) of float4 values, as stored. */
function p75(values: (number | null | undefined)[]): number | null {
  const sorted = values
    .filter((v): v is number => typeof v === 'number')
    .map((v) => Math.fround(v))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const position = 0.75 * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

export function truthPageEngagement(
  traffic: Traffic,
  paths: string[],
  from: Date,
  to: Date,
  filters: Filters = {},
): PageEngagementRow[] {
  const sessions = sessionsIn(traffic, from, to, filters);
  return paths.map((path) => {
    let visits = 0;
    const scrolls: number[] = [];
    const loads: IngestEvent[] = [];
    for (const s of sessions) {
      if (s.pages.has(path)) {
        visits++;
        const measured = s.session.events
          .filter((e) => e.type === 'heartbeat' && e.path === path && e.scroll !== null)
          .map((e) => e.scroll!);
        if (measured.length > 0) scrolls.push(Math.max(...measured));
      }
      loads.push(...s.session.events.filter((e) => e.type === 'vitals' && e.path === path));
    }
    return {
      path,
      visits,
      scroll_visits: scrolls.length,
      scroll_avg: scrolls.length ? scrolls.reduce((a, b) => a + b, 0) / scrolls.length : null,
      loads: loads.length,
      lcp_p75: p75(loads.map((e) => e.vitals?.lcp)),
      inp_p75: p75(loads.map((e) => e.vitals?.inp)),
      cls_p75: p75(loads.map((e) => e.vitals?.cls)),
      ttfb_p75: p75(loads.map((e) => e.vitals?.ttfb)),
      fcp_p75: p75(loads.map((e) => e.vitals?.fcp)),
    };
  });
}
