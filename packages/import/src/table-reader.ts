/**
 * Reads one aggregated CSV (a Plausible table, a Sightline report): checks the header against the
 * table's columns, parses each row's date, keys and measures, refuses repeated keys and dates
 * out of order, and hands each finished day's aggregates on.
 */
import { ImportError, type ImportErrorLocation } from './errors.js';
import { DayTable, type Aggregate, type Stream } from './day-table.js';
import type { Measures } from './types.js';
import { parseCount, parseDay } from './values.js';

export interface ColumnSpec {
  name: string;
  required: boolean;
}

export interface RowView {
  /** The text of a column, '' when the file has no such column. */
  text(name: string): string;
  /** The count in a column; null when the file has no such column (or, for `nullable`
   * columns, holds `\N` or nothing there). */
  count(name: string): number | null;
}

export interface TableSpec {
  /** What the file holds, as the summary names it. */
  table: string;
  /** Columns that identify a row within a day (besides `date`). */
  keys: ColumnSpec[];
  measures: ColumnSpec[];
  /** Measure columns whose empty or `\N` value means "not measured". */
  nullable?: string[];
  /** Columns known and deliberately not used (not reported as ignored). */
  unused?: string[];
  contribute(
    row: RowView,
    add: (dimension: Stream, value: string, m: Partial<Measures>) => void,
  ): void;
}

export interface TableOptions {
  file: string;
  /** The day range the file's name gives, inclusive. */
  range: { first: string; last: string } | null;
  duplicates: 'error' | 'sum';
  maxRowsPerDay: number;
}

export interface DayBatch {
  day: string;
  aggregates: Aggregate[];
}

export class TableReader implements RowView {
  rows = 0;
  ignoredColumns: string[] = [];
  private index = new Map<string, number>();
  private headerLength = 0;
  private fields: string[] = [];
  private line = 0;
  private day: string | null = null;
  private readonly table: DayTable;
  private readonly nullable: Set<string>;

  constructor(
    private readonly spec: TableSpec,
    private readonly options: TableOptions,
  ) {
    this.table = new DayTable(options.maxRowsPerDay);
    this.nullable = new Set(spec.nullable ?? []);
  }

  header(fields: string[], line: number): void {
    fields.forEach((name, i) => {
      const column = name.trim();
      if (this.index.has(column))
        throw this.error('duplicate_column', `the column ${column} appears twice`, {
          line,
          column: i + 1,
          columnName: column,
        });
      this.index.set(column, i);
    });
    this.headerLength = fields.length;
    const missing = [{ name: 'date', required: true }, ...this.spec.keys, ...this.spec.measures]
      .filter((c) => c.required && !this.index.has(c.name))
      .map((c) => c.name);
    if (missing.length)
      throw this.error(
        'missing_column',
        `the header lacks ${missing.join(', ')} (a ${this.spec.table} file has ${[
          'date',
          ...this.spec.keys.map((c) => c.name),
          ...this.spec.measures.map((c) => c.name),
        ].join(', ')})`,
        { line },
      );
    const known = new Set([
      'date',
      ...this.spec.keys.map((c) => c.name),
      ...this.spec.measures.map((c) => c.name),
      ...(this.spec.unused ?? []),
    ]);
    this.ignoredColumns = [...this.index.keys()].filter((c) => !known.has(c));
  }

  /** Reads one data row; returns the previous day's aggregates when this row starts a new day. */
  row(fields: string[], line: number): DayBatch | null {
    this.rows++;
    this.fields = fields;
    this.line = line;
    if (fields.length !== this.headerLength)
      throw this.error(
        'field_count',
        `${fields.length} fields where the header has ${this.headerLength}`,
        { line },
      );
    const day = this.at('date', parseDay);
    const { range } = this.options;
    if (range && (day < range.first || day > range.last))
      throw this.error(
        'date_outside_file_range',
        `${day} is outside the file's range ${range.first}..${range.last}`,
        this.location('date'),
      );
    let done: DayBatch | null = null;
    if (this.day !== null && day < this.day)
      throw this.error(
        'unsorted_dates',
        `${day} comes after ${this.day}: the rows must be in date order, as the export writes them`,
        this.location('date'),
      );
    if (this.day !== null && day !== this.day)
      done = { day: this.day, aggregates: this.table.take() };
    this.day = day;
    if (this.options.duplicates === 'error') {
      let key = '';
      for (const c of this.spec.keys) key += `${this.text(c.name)}\u0000`;
      if (!this.table.claim(key))
        throw this.error(
          'duplicate_row',
          `a second row for ${JSON.stringify(key.split('\u0000').slice(0, -1))} on ${day}`,
          { line },
        );
    }
    const visits = this.index.has('visits') ? this.count('visits') : null;
    const bounces = this.index.has('bounces') ? this.count('bounces') : null;
    if (visits !== null && bounces !== null && bounces > visits)
      throw this.error(
        'inconsistent_measures',
        `${bounces} bounces of ${visits} visits`,
        this.location('bounces'),
      );
    this.spec.contribute(this, (dimension, value, m) => this.table.add(dimension, value, m));
    return done;
  }

  /** The last day's aggregates. */
  end(): DayBatch | null {
    return this.day === null ? null : { day: this.day, aggregates: this.table.take() };
  }

  text(name: string): string {
    const i = this.index.get(name);
    return i === undefined ? '' : this.fields[i]!;
  }

  count(name: string): number | null {
    const i = this.index.get(name);
    if (i === undefined) return null;
    const text = this.fields[i]!;
    if (this.nullable.has(name) && (text === '' || text === '\\N')) return null;
    return this.at(name, parseCount);
  }

  private at<T>(name: string, parse: (text: string) => T): T {
    try {
      return parse(this.text(name));
    } catch (error) {
      if (error instanceof ImportError) throw error.at(this.location(name));
      throw error;
    }
  }

  private location(name: string): ImportErrorLocation {
    const i = this.index.get(name);
    return {
      file: this.options.file,
      line: this.line,
      ...(i !== undefined && { column: i + 1, columnName: name }),
    };
  }

  private error(
    code: ConstructorParameters<typeof ImportError>[0],
    message: string,
    location: ImportErrorLocation,
  ) {
    return new ImportError(code, message, { file: this.options.file, ...location });
  }
}
