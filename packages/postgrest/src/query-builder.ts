/**
 * `client.from(table)`: picks the HTTP method and the Prefer tokens for read, insert, upsert,
 * update and delete, and hands back a filter builder.
 */
import type { Shared } from './builder.js';
import { columns } from './encode.js';
import { PostgrestFilterBuilder } from './filter-builder.js';
import type { CountMethod } from './types.js';

interface WriteOptions {
  count?: CountMethod;
  /** `false`: columns missing from some rows take their DEFAULT, not NULL (`missing=default`). */
  defaultToNull?: boolean;
}

export class PostgrestQueryBuilder<Row, Insert = Row, Update = Partial<Insert>> {
  constructor(
    /** @internal */ protected u: string,
    /** @internal */ protected o: Shared,
  ) {}

  /** Read rows; `head` sends HEAD (count only), `count` asks for the total. */
  select<R = Row>(
    cols?: string,
    o: { head?: boolean; count?: CountMethod } = {},
  ): PostgrestFilterBuilder<Row, R[]> {
    const b = new PostgrestFilterBuilder<Row, R[]>(o.head ? 'HEAD' : 'GET', this.u, this.o);
    b['q'].set('select', columns(cols));
    if (o.count) b['prefer']('count=' + o.count);
    return b;
  }

  insert(values: Insert | Insert[], o: WriteOptions = {}): PostgrestFilterBuilder<Row, null> {
    return this.write(values, o);
  }

  /**
   * Insert or update on conflict with the primary key, or with the unique columns named in
   * `onConflict` (comma-separated); `ignoreDuplicates` keeps existing rows untouched.
   */
  upsert(
    values: Insert | Insert[],
    o: WriteOptions & { onConflict?: string; ignoreDuplicates?: boolean } = {},
  ): PostgrestFilterBuilder<Row, null> {
    const b = this.write(values, o, o.ignoreDuplicates ? 'ignore' : 'merge');
    if (o.onConflict !== undefined) b['q'].set('on_conflict', o.onConflict);
    return b;
  }

  update(values: Update, o: { count?: CountMethod } = {}): PostgrestFilterBuilder<Row, null> {
    return this.mutate('PATCH', values, o.count);
  }

  delete(o: { count?: CountMethod } = {}): PostgrestFilterBuilder<Row, null> {
    return this.mutate('DELETE', undefined, o.count);
  }

  /** @internal */
  protected mutate(
    method: string,
    body: unknown,
    count?: CountMethod,
    resolution?: string,
  ): PostgrestFilterBuilder<Row, null> {
    const b = new PostgrestFilterBuilder<Row, null>(method, this.u, this.o, body);
    if (resolution) b['prefer']('resolution=' + resolution + '-duplicates');
    if (count) b['prefer']('count=' + count);
    // Until select() asks for rows, PostgREST returns none: skip reading the body at all.
    b['min'] = true;
    return b;
  }

  /** @internal */
  protected write(
    values: unknown,
    o: WriteOptions,
    resolution?: string,
  ): PostgrestFilterBuilder<Row, null> {
    const b = this.mutate('POST', values, o.count, resolution);
    if (o.defaultToNull === false) b['prefer']('missing=default');
    // For a batch, name the union of keys so rows missing a key still line up (`columns=`).
    if (Array.isArray(values)) {
      const keys = new Set<string>();
      for (const row of values as object[]) for (const k in row) keys.add('"' + k + '"');
      if (keys.size) b['q'].set('columns', [...keys].join(','));
    }
    return b;
  }
}
