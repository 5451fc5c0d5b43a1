/**
 * The Stats API's ground truth for the end-to-end tests: sessions as the test sent them, and the
 * reports computed from them alone, by the definitions of the report RPCs (a page filter makes
 * the measures the page's; a bounce is a session with one page view; a page's bounce rate is that
 * of the sessions that were on it), like supabase/test/support/truth.ts.
 */
import type { StatsFilter } from '@sightline/schema';

export interface SentSession {
  visitor: string;
  session: string;
  country: string;
  referrer?: string;
  /** Page views in order, each with the engaged time of one heartbeat after it (0: none). */
  pages: { url: string; engagedMs: number }[];
  /** Custom events sent after the pages, by name. */
  customs?: string[];
}

export interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  bounceRate: number;
  engagedMs: number;
}

/** A session's dimensions, as the reports name them. */
function dims(s: SentSession): Record<string, string> {
  return {
    country: s.country,
    referrer: s.referrer ? new URL(s.referrer).hostname.replace(/^www\./, '') : '',
    entry_page: s.pages[0]!.url,
    exit_page: s.pages.at(-1)!.url,
  };
}

function matches(s: SentSession, [operator, dimension, values]: StatsFilter): boolean {
  if (dimension === 'page') return s.pages.some((p) => values.includes(p.url));
  const value = dims(s)[dimension] ?? '';
  const contains = values.some((v) => value.toLowerCase().includes(v.toLowerCase()));
  return {
    is: values.includes(value),
    is_not: !values.includes(value),
    contains,
    does_not_contain: !contains,
  }[operator];
}

function totals(sessions: SentSession[], page?: string): Totals {
  const on = (s: SentSession) => s.pages.filter((p) => page === undefined || p.url === page);
  const visits = sessions.length;
  const bounces = sessions.filter((s) => s.pages.length === 1).length;
  return {
    visitors: new Set(sessions.map((s) => s.visitor)).size,
    visits,
    pageviews: sessions.reduce((n, s) => n + on(s).length, 0),
    bounceRate: visits ? bounces / visits : 0,
    engagedMs: sessions.reduce((n, s) => n + on(s).reduce((m, p) => m + p.engagedMs, 0), 0),
  };
}

/** The overview of `sessions` under `filters` (a `page` filter: `is`, one value). */
export function truthOverview(sessions: SentSession[], filters: StatsFilter[]): Totals {
  const page = filters.find((f) => f[1] === 'page')?.[2][0];
  return totals(
    sessions.filter((s) => filters.every((f) => matches(s, f))),
    page,
  );
}

/** The page breakdown, ordered as the reports order it. */
export function truthPages(sessions: SentSession[], filters: StatsFilter[]) {
  const kept = sessions.filter((s) => filters.every((f) => matches(s, f)));
  const pages = [...new Set(kept.flatMap((s) => s.pages.map((p) => p.url)))];
  return pages
    .map((value) => ({
      value,
      ...totals(
        kept.filter((s) => s.pages.some((p) => p.url === value)),
        value,
      ),
    }))
    .sort(
      (a, b) =>
        b.visitors - a.visitors ||
        b.visits - a.visits ||
        (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
}

/** The custom-event breakdown: sessions that sent each event, and how many times. */
export function truthEvents(sessions: SentSession[]) {
  const names = [...new Set(sessions.flatMap((s) => s.customs ?? []))];
  return names
    .map((value) => {
      const sent = sessions.filter((s) => s.customs?.includes(value));
      return {
        value,
        visitors: new Set(sent.map((s) => s.visitor)).size,
        visits: sent.length,
        pageviews: sent.reduce((n, s) => n + s.customs!.filter((c) => c === value).length, 0),
        bounceRate: null,
        engagedMs: 0,
      };
    })
    .sort((a, b) => b.visitors - a.visitors || b.visits - a.visits || (a.value < b.value ? -1 : 1));
}
