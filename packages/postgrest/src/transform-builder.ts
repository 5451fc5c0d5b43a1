/**
 * Modifiers that shape the result rather than choose rows: select-after-write, order, limit,
 * range, single, maybeSingle, csv. Each writes the same parameters and headers postgrest-js does.
 */
import { PostgrestBuilder } from './builder.js';
import { columns } from './encode.js';
import type { PostgrestFilterBuilder } from './filter-builder.js';

export interface Referenced {
  /** Apply to an embedded resource instead of the top-level one. */
  referencedTable?: string;
  /** @deprecated postgrest-js's older name for `referencedTable`. */
  foreignTable?: string;
}

/** @internal `order`, `limit`, `offset`, `or` keys, prefixed for an embedded resource. */
export const key = (name: string, o: Referenced): string => {
  const t = o.referencedTable ?? o.foreignTable;
  return t ? t + '.' + name : name;
};

// Type-only overrides: the runtime methods are inherited unchanged, only their return types
// narrow, so no wrapper method is shipped (the bundle budget counts every byte).
export interface PostgrestTransformBuilder<Row, Result, Throw extends boolean = false> {
  throwOnError(): PostgrestTransformBuilder<Row, Result, true>;
  returns<R>(): PostgrestTransformBuilder<Row, R, Throw>;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface above only narrows inherited return types
export class PostgrestTransformBuilder<
  Row,
  Result,
  Throw extends boolean = false,
> extends PostgrestBuilder<Result, Throw> {
  /** After insert/update/upsert/delete: return the affected rows (`return=representation`). */
  select<R = Row>(cols?: string): PostgrestFilterBuilder<Row, R[], Throw> {
    this.q.set('select', columns(cols));
    this.prefer('return=representation');
    this.min = false;
    return this as unknown as PostgrestFilterBuilder<Row, R[], Throw>;
  }

  /** Order by a column; call again to add tie-breakers. */
  order(column: string, o: { ascending?: boolean; nullsFirst?: boolean } & Referenced = {}): this {
    const k = key('order', o);
    const prev = this.q.get(k);
    this.q.set(
      k,
      (prev ? prev + ',' : '') +
        column +
        (o.ascending === false ? '.desc' : '.asc') +
        (o.nullsFirst === undefined ? '' : '.nulls' + (o.nullsFirst ? 'first' : 'last')),
    );
    return this;
  }

  limit(count: number, o: Referenced = {}): this {
    this.q.set(key('limit', o), '' + count);
    return this;
  }

  /** Rows `from` to `to`, both inclusive and zero-based. */
  range(from: number, to: number, o: Referenced = {}): this {
    this.q.set(key('offset', o), '' + from);
    this.q.set(key('limit', o), '' + (to - from + 1));
    return this;
  }

  /** Exactly one row as an object; PostgREST answers 406 (PGRST116) otherwise. */
  single<R = Result extends (infer E)[] ? E : never>(): PostgrestBuilder<R, Throw> {
    this.setHeader('accept', 'application/vnd.pgrst.object+json');
    return this as unknown as PostgrestBuilder<R, Throw>;
  }

  /** Zero or one row: the object or `null`; more than one is a PGRST116 error. */
  maybeSingle<R = Result extends (infer E)[] ? E : never>(): PostgrestBuilder<R | null, Throw> {
    this.ms = true;
    return this as unknown as PostgrestBuilder<R | null, Throw>;
  }

  /** The rows as CSV text. */
  csv(): PostgrestBuilder<string, Throw> {
    this.setHeader('accept', 'text/csv');
    return this as unknown as PostgrestBuilder<string, Throw>;
  }
}
