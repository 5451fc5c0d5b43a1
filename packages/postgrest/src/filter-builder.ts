/**
 * Row filters. Each appends `column=<op>.<value>` like postgrest-js; list and array operands go
 * through `encode.ts` so no element can end its list early or smuggle in another filter.
 */
import { list, operand } from './encode.js';
import { key, PostgrestTransformBuilder, type Referenced } from './transform-builder.js';

type Value = string | number | boolean | bigint | null;

// Type-only overrides, as in transform-builder.ts.
export interface PostgrestFilterBuilder<Row, Result, Throw extends boolean = false> {
  throwOnError(): PostgrestFilterBuilder<Row, Result, true>;
  returns<R>(): PostgrestFilterBuilder<Row, R, Throw>;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface above only narrows inherited return types
export class PostgrestFilterBuilder<
  Row,
  Result,
  Throw extends boolean = false,
> extends PostgrestTransformBuilder<Row, Result, Throw> {
  /** `column=<operator>.<value>`, the raw form every filter below is built on. */
  filter(column: string, operator: string, value: unknown): this {
    this.q.append(
      column,
      operator +
        '.' +
        (Array.isArray(value)
          ? /in$/.test(operator)
            ? list(value)
            : operand(value)
          : (value as string)),
    );
    return this;
  }

  eq(column: string, value: Value): this {
    return this.filter(column, 'eq', value);
  }
  neq(column: string, value: Value): this {
    return this.filter(column, 'neq', value);
  }
  gt(column: string, value: Value): this {
    return this.filter(column, 'gt', value);
  }
  gte(column: string, value: Value): this {
    return this.filter(column, 'gte', value);
  }
  lt(column: string, value: Value): this {
    return this.filter(column, 'lt', value);
  }
  lte(column: string, value: Value): this {
    return this.filter(column, 'lte', value);
  }
  /** SQL LIKE; `%` or `*` as wildcard. */
  like(column: string, pattern: string): this {
    return this.filter(column, 'like', pattern);
  }
  ilike(column: string, pattern: string): this {
    return this.filter(column, 'ilike', pattern);
  }
  /** `IS null | true | false`. */
  is(column: string, value: boolean | null): this {
    return this.filter(column, 'is', value);
  }
  in(column: string, values: readonly Value[]): this {
    return this.filter(column, 'in', list(values));
  }
  /** Array/range/jsonb contains: an array, a literal string, or an object for jsonb. */
  contains(column: string, value: string | readonly unknown[] | Record<string, unknown>): this {
    return this.filter(column, 'cs', operand(value));
  }
  containedBy(column: string, value: string | readonly unknown[] | Record<string, unknown>): this {
    return this.filter(column, 'cd', operand(value));
  }
  overlaps(column: string, value: string | readonly unknown[]): this {
    return this.filter(column, 'ov', operand(value));
  }
  rangeGt(column: string, range: string): this {
    return this.filter(column, 'sr', range);
  }
  rangeGte(column: string, range: string): this {
    return this.filter(column, 'nxl', range);
  }
  rangeLt(column: string, range: string): this {
    return this.filter(column, 'sl', range);
  }
  rangeLte(column: string, range: string): this {
    return this.filter(column, 'nxr', range);
  }
  rangeAdjacent(column: string, range: string): this {
    return this.filter(column, 'adj', range);
  }
  /** Full-text search; `type` picks plainto_/phraseto_/websearch_to_tsquery. */
  textSearch(
    column: string,
    query: string,
    o: { config?: string; type?: 'plain' | 'phrase' | 'websearch' } = {},
  ): this {
    // plain → pl, phrase → ph, websearch → w (plfts, phfts, wfts).
    const type = o.type?.slice(0, o.type == 'websearch' ? 1 : 2) ?? '';
    return this.filter(column, type + 'fts' + (o.config ? '(' + o.config + ')' : ''), query);
  }
  /** `eq` on every defined key. */
  match(query: Record<string, Value | undefined>): this {
    for (const k in query) if (query[k] !== undefined) this.eq(k, query[k]);
    return this;
  }
  /** Negate an operator: `not('id', 'in', [1, 2])` or postgrest-js's `not('id', 'in', '(1,2)')`. */
  not(column: string, operator: string, value: unknown): this {
    return this.filter(column, 'not.' + operator, value);
  }
  /**
   * Any of the filters in PostgREST's logic syntax, e.g. `'id.eq.1,name.eq."a,b"'`. The string
   * is sent as written: quote its values yourself (see `listItem` for the quoting rule).
   */
  or(filters: string, o: Referenced = {}): this {
    this.q.append(key('or', o), '(' + filters + ')');
    return this;
  }
}
