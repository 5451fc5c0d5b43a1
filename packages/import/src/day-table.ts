/**
 * One day's aggregates of one file: rows of the export that map to the same Sightline value
 * (browser versions, a source's UTM variants, several hostnames of a page) are summed here, and
 * the day's source keys are remembered to refuse a repeated row. Exports are written in date
 * order, so a file needs one day in memory at a time; `maxRowsPerDay` bounds even that.
 */
import type { Dimension } from '@sightline/schema/dimensions';
import { ImportError } from './errors.js';
import type { Measures } from './types.js';

export type Stream = Dimension | '';

export interface Aggregate extends Measures {
  dimension: Stream;
  value: string;
}

export const NO_MEASURES: Measures = {
  visitors: null,
  visits: null,
  pageviews: null,
  bounces: null,
  visitDurationMs: null,
  engagedMs: null,
  events: null,
};

export class DayTable {
  private sums = new Map<string, Aggregate>();
  private keys = new Set<string>();

  constructor(private readonly maxRowsPerDay: number) {}

  /** Registers a source row's key; false if the day already had it. */
  claim(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.maxRowsPerDay)
      throw new ImportError(
        'day_too_large',
        `more than ${this.maxRowsPerDay} rows in one day (raise limits.maxRowsPerDay to read it)`,
      );
    return true;
  }

  add(dimension: Stream, value: string, m: Partial<Measures>): void {
    const id = `${dimension}\u0000${value}`;
    let sum = this.sums.get(id);
    if (!sum) {
      sum = {
        dimension,
        value,
        visitors: null,
        visits: null,
        pageviews: null,
        bounces: null,
        visitDurationMs: null,
        engagedMs: null,
        events: null,
      };
      this.sums.set(id, sum);
      if (this.sums.size > this.maxRowsPerDay * 5)
        throw new ImportError('day_too_large', `too many values in one day`);
    }
    // Field by field rather than a loop over names: this runs once per row.
    if (m.visitors != null) sum.visitors = (sum.visitors ?? 0) + m.visitors;
    if (m.visits != null) sum.visits = (sum.visits ?? 0) + m.visits;
    if (m.pageviews != null) sum.pageviews = (sum.pageviews ?? 0) + m.pageviews;
    if (m.bounces != null) sum.bounces = (sum.bounces ?? 0) + m.bounces;
    if (m.visitDurationMs != null)
      sum.visitDurationMs = (sum.visitDurationMs ?? 0) + m.visitDurationMs;
    if (m.engagedMs != null) sum.engagedMs = (sum.engagedMs ?? 0) + m.engagedMs;
    if (m.events != null) sum.events = (sum.events ?? 0) + m.events;
  }

  get size(): number {
    return this.sums.size;
  }

  /** The day's aggregates, ordered by dimension and value; the table starts a new day. */
  take(): Aggregate[] {
    const out = [...this.sums.values()].sort((a, b) =>
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
    this.sums.clear();
    this.keys.clear();
    return out;
  }
}
