/**
 * Umami's raw events become visits, and finished visits become daily aggregates. A visit is
 * finished when no event of it can still come: the input is in time order up to `latenessMs`
 * (Umami's ClickHouse orders by the hour; a database dump in insertion order), and a visit's
 * events are at most `visitGapMs` apart. A day is finished when its visits are and no event can
 * still start a visit on it. Memory therefore holds the open visits and the open days' unique
 * visitor sets, both bounded by limits with their own error.
 */
import type { Dimension } from '@sightline/schema/dimensions';
import { ImportError } from '../errors.js';
import type { Aggregate, Stream } from '../day-table.js';
import { NO_MEASURES } from '../day-table.js';

/** What a visit is reported by: the values of its first event (see umami.ts). */
export type VisitDimensions = Partial<Record<Dimension, string>>;

export interface Visit {
  session: string;
  day: string;
  start: number;
  last: number;
  entry: string;
  exit: string;
  /** When the exit page was viewed. */
  exitAt: number;
  pageviews: number;
  pages: Map<string, number>;
  events: Map<string, number>;
  dims: VisitDimensions;
}

interface Sum {
  dimension: Stream;
  value: string;
  visits: number;
  pageviews: number | null;
  bounces: number | null;
  visitDurationMs: number | null;
  events: number | null;
  sessions: Set<number>;
}

class DayVisits {
  open = 0;
  entries = 0;
  private sessions = new Map<string, number>();
  private sums = new Map<string, Sum>();

  constructor(
    readonly day: string,
    private readonly maxEntries: number,
  ) {}

  fold(v: Visit): void {
    let sid = this.sessions.get(v.session);
    if (sid === undefined) this.sessions.set(v.session, (sid = this.sessions.size));
    const bounce = v.pageviews === 1 ? 1 : 0;
    const duration = v.last - v.start;
    const visit = { pageviews: v.pageviews, bounces: bounce, visitDurationMs: duration };
    this.add('', '', sid, visit);
    this.add('entry_page', v.entry, sid, visit);
    this.add('exit_page', v.exit, sid, visit);
    for (const [dimension, value] of Object.entries(v.dims) as [Dimension, string][])
      this.add(dimension, value, sid, visit);
    for (const [page, views] of v.pages)
      this.add('page', page, sid, { pageviews: views, bounces: bounce });
    for (const [event, count] of v.events) this.add('event', event, sid, { events: count });
  }

  private add(
    dimension: Stream,
    value: string,
    sid: number,
    m: { pageviews?: number; bounces?: number; visitDurationMs?: number; events?: number },
  ): void {
    const id = `${dimension}\u0000${value}`;
    let sum = this.sums.get(id);
    if (!sum) {
      sum = {
        dimension,
        value,
        visits: 0,
        pageviews: null,
        bounces: null,
        visitDurationMs: null,
        events: null,
        sessions: new Set(),
      };
      this.sums.set(id, sum);
    }
    sum.visits++;
    if (m.pageviews !== undefined) sum.pageviews = (sum.pageviews ?? 0) + m.pageviews;
    if (m.bounces !== undefined) sum.bounces = (sum.bounces ?? 0) + m.bounces;
    if (m.visitDurationMs !== undefined)
      sum.visitDurationMs = (sum.visitDurationMs ?? 0) + m.visitDurationMs;
    if (m.events !== undefined) sum.events = (sum.events ?? 0) + m.events;
    if (!sum.sessions.has(sid)) {
      sum.sessions.add(sid);
      if (++this.entries > this.maxEntries)
        throw new ImportError(
          'day_too_large',
          `${this.day} has more than ${this.maxEntries} (visitor, value) pairs (raise limits.maxDayEntries to read it)`,
        );
    }
  }

  aggregates(): Aggregate[] {
    const out: Aggregate[] = [];
    for (const s of this.sums.values())
      out.push({
        ...NO_MEASURES,
        dimension: s.dimension,
        value: s.value,
        visitors: s.sessions.size,
        visits: s.visits,
        pageviews: s.pageviews ?? (s.dimension === 'event' ? null : 0),
        bounces: s.bounces ?? (s.dimension === 'event' ? null : 0),
        visitDurationMs: s.visitDurationMs,
        events: s.events,
      });
    return out.sort((a, b) =>
      a.dimension === b.dimension
        ? a.value < b.value
          ? -1
          : a.value > b.value
            ? 1
            : 0
        : a.dimension < b.dimension
          ? -1
          : 1,
    );
  }
}

export interface VisitLimits {
  latenessMs: number;
  visitGapMs: number;
  maxOpenVisits: number;
  maxDayEntries: number;
}

export class VisitAggregator {
  /** Open visits, least recently touched first (a touched visit moves to the end). */
  private visits = new Map<string, Visit>();
  private days = new Map<string, DayVisits>();
  watermark = -Infinity;

  constructor(
    private readonly limits: VisitLimits,
    private readonly dayOf: (ms: number) => string,
  ) {}

  /** The visit of `key`, created at `at` when new; moved to the end of the open visits. */
  touch(key: string, at: number, create: () => Omit<Visit, 'day' | 'start' | 'last'>): Visit {
    let v = this.visits.get(key);
    if (v) this.visits.delete(key);
    else {
      const day = this.dayOf(at);
      v = { ...create(), day, start: at, last: at };
      this.dayVisits(day).open++;
      if (this.visits.size >= this.limits.maxOpenVisits)
        throw new ImportError(
          'too_many_open_visits',
          `more than ${this.limits.maxOpenVisits} visits open at once: the events are far from time order (sort the export by created_at)`,
        );
    }
    this.visits.set(key, v);
    return v;
  }

  /** Whether an event at `at` is too late to be placed (its visit may be folded already). */
  late(at: number): boolean {
    return at < this.watermark - this.limits.latenessMs;
  }

  advance(at: number): void {
    if (at > this.watermark) this.watermark = at;
  }

  /** Folds the visits that cannot grow any more and returns the days that are complete. */
  collect(final = false): { day: string; aggregates: Aggregate[] }[] {
    if (!final && this.watermark === -Infinity) return [];
    const horizon = this.watermark - this.limits.latenessMs - this.limits.visitGapMs;
    for (const [key, v] of this.visits) {
      if (!final && v.last >= horizon) break;
      this.visits.delete(key);
      const day = this.dayVisits(v.day);
      day.fold(v);
      day.open--;
    }
    const earliestOpen = final ? null : this.dayOf(this.watermark - this.limits.latenessMs);
    const done: { day: string; aggregates: Aggregate[] }[] = [];
    for (const day of [...this.days.keys()].sort()) {
      const d = this.days.get(day)!;
      if (!final && (d.open > 0 || day >= earliestOpen!)) break;
      this.days.delete(day);
      done.push({ day, aggregates: d.aggregates() });
    }
    return done;
  }

  private dayVisits(day: string): DayVisits {
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = new DayVisits(day, this.limits.maxDayEntries)));
    return d;
  }
}
