// The reports' ground truth, computed in TypeScript from the generated events alone (never
// from the database), following the definitions of the report functions (schemas/3*.sql): a session and
// all its activity count in the local hour it started; with a `page` filter, page views and
// engaged time are that page's; a bounce is a session with exactly one page view.
import type { GeneratedSession, Traffic } from './traffic.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Filters = Record<string, string>;

export interface SessionFacts {
  session: GeneratedSession;
  visitor: string;
  startedAt: number;
  dims: Record<string, string>;
  pageviews: number;
  engaged: number;
  pages: Map<string, { pageviews: number; engaged: number }>;
  customs: Map<string, number>;
}

export function facts(session: GeneratedSession): SessionFacts {
  const views = session.events.filter((e) => e.type === 'pageview');
  const first = session.events[0]!;
  const pages = new Map<string, { pageviews: number; engaged: number }>();
  const customs = new Map<string, number>();
  for (const e of session.events) {
    if (e.type === 'pageview' || e.type === 'heartbeat') {
      const page = pages.get(e.path) ?? { pageviews: 0, engaged: 0 };
      if (e.type === 'pageview') page.pageviews++;
      else page.engaged += e.engaged_ms;
      pages.set(e.path, page);
    }
    if (e.type === 'custom') customs.set(e.name, (customs.get(e.name) ?? 0) + 1);
  }
  return {
    session,
    visitor: session.visitor_id,
    startedAt: session.startedAt,
    dims: {
      entry_page: views[0]!.path,
      exit_page: views[views.length - 1]!.path,
      referrer: first.referrer_host,
      referrer_class: first.referrer_class,
      country: first.country,
      region: first.region,
      city: first.city,
      device: first.device,
      browser: first.browser,
      os: first.os,
      utm_source: first.utm_source,
      utm_medium: first.utm_medium,
      utm_campaign: first.utm_campaign,
      utm_term: session.utm_term,
      utm_content: session.utm_content,
      click_id: session.click_id,
    },
    pageviews: views.length,
    engaged: [...pages.values()].reduce((sum, p) => sum + p.engaged, 0),
    pages,
    customs,
  };
}

function matches(s: SessionFacts, filters: Filters): boolean {
  return Object.entries(filters).every(([key, value]) =>
    key === 'page'
      ? s.pages.has(value)
      : key === 'event'
        ? s.customs.has(value)
        : s.dims[key] === value,
  );
}

interface Measured {
  s: SessionFacts;
  pageviews: number;
  engaged: number;
}

/** The sessions a report counts: started in [from, to) (by their hour), matching the filters. */
export function sessionsIn(
  traffic: Traffic,
  from: Date,
  to: Date,
  filters: Filters,
): SessionFacts[] {
  return traffic.sessions.map(facts).filter((s) => {
    const hour = Math.floor(s.startedAt / HOUR) * HOUR;
    return hour >= from.getTime() && hour < to.getTime() && matches(s, filters);
  });
}

function selected(traffic: Traffic, from: Date, to: Date, filters: Filters): Measured[] {
  return sessionsIn(traffic, from, to, filters).map((s) => {
    const page = filters.page === undefined ? undefined : s.pages.get(filters.page);
    return { s, pageviews: page?.pageviews ?? s.pageviews, engaged: page?.engaged ?? s.engaged };
  });
}

export interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number;
  engaged_ms: number;
  avg_engaged_ms: number;
}

function totals(rows: Measured[]): Totals {
  const visits = rows.length;
  const engaged = rows.reduce((sum, r) => sum + r.engaged, 0);
  return {
    visitors: new Set(rows.map((r) => r.s.visitor)).size,
    visits,
    pageviews: rows.reduce((sum, r) => sum + r.pageviews, 0),
    bounce_rate: visits ? rows.filter((r) => r.s.pageviews === 1).length / visits : 0,
    engaged_ms: engaged,
    avg_engaged_ms: visits ? Math.round(engaged / visits) : 0,
  };
}

export function truthOverview(traffic: Traffic, from: Date, to: Date, filters: Filters = {}) {
  const length = to.getTime() - from.getTime();
  return {
    ...totals(selected(traffic, from, to, filters)),
    previous: totals(selected(traffic, new Date(from.getTime() - length), from, filters)),
  };
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number | null;
  engaged_ms: number;
}

export function truthBreakdown(
  traffic: Traffic,
  dimension: string,
  from: Date,
  to: Date,
  filters: Filters = {},
): BreakdownRow[] {
  const groups = new Map<
    string,
    { visitors: Set<string>; visits: number; pageviews: number; bounces: number; engaged: number }
  >();
  const add = (value: string, r: Measured, pageviews: number, engaged: number): void => {
    const g = groups.get(value) ?? {
      visitors: new Set(),
      visits: 0,
      pageviews: 0,
      bounces: 0,
      engaged: 0,
    };
    g.visitors.add(r.s.visitor);
    g.visits++;
    g.pageviews += pageviews;
    g.bounces += r.s.pageviews === 1 ? 1 : 0;
    g.engaged += engaged;
    groups.set(value, g);
  };
  for (const r of selected(traffic, from, to, filters)) {
    // Filtered by its own dimension, a breakdown lists only that value (as for every dimension).
    if (dimension === 'page') {
      for (const [path, p] of r.s.pages)
        if (filters.page === undefined || path === filters.page)
          add(path, r, p.pageviews, p.engaged);
    } else if (dimension === 'event') {
      for (const [name, n] of r.s.customs)
        if (filters.event === undefined || name === filters.event) add(name, r, n, 0);
    } else {
      const value = r.s.dims[dimension];
      if (value === undefined) throw new Error(`truth.ts has no ground truth for "${dimension}"`);
      add(value, r, r.pageviews, r.engaged);
    }
  }
  return [...groups.entries()]
    .map(([value, g]) => ({
      value,
      visitors: g.visitors.size,
      visits: g.visits,
      pageviews: g.pageviews,
      bounce_rate: dimension === 'event' ? null : g.bounces / g.visits,
      engaged_ms: g.engaged,
    }))
    .sort(
      (a, b) =>
        b.visitors - a.visitors ||
        b.visits - a.visits ||
        (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
}

export interface Bucket {
  bucket: string;
  visitors: number;
  visits: number;
  pageviews: number;
  engaged_ms: number;
}

/** Buckets for a zone at a fixed whole-hour UTC offset (the tests use Europe/Berlin in January). */
export function truthTimeseries(
  traffic: Traffic,
  from: Date,
  to: Date,
  resolution: 'hour' | 'day',
  offsetHours: number,
  filters: Filters = {},
): Bucket[] {
  const size = resolution === 'hour' ? HOUR : DAY;
  const offset = offsetHours * HOUR;
  const floor = (t: number) => Math.floor((t + offset) / size) * size - offset;
  const rows = selected(traffic, from, to, filters);
  const buckets: Bucket[] = [];
  for (let t = floor(from.getTime()); t < to.getTime(); t += size) {
    const inBucket = rows.filter((r) => floor(r.s.startedAt) === t);
    const sums = totals(inBucket);
    buckets.push({
      bucket: new Date(t).toISOString(),
      visitors: sums.visitors,
      visits: sums.visits,
      pageviews: sums.pageviews,
      engaged_ms: sums.engaged_ms,
    });
  }
  return buckets;
}
