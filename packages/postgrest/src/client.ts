/**
 * The entry point: `new PostgrestClient(url, options)`, then `from(table)`, `rpc(fn)` or
 * `schema(name)`. Options are normalised once here and shared, never copied, by every request.
 */
import type { Shared } from './builder.js';
import { pgArray } from './encode.js';
import { PostgrestFilterBuilder } from './filter-builder.js';
import { PostgrestQueryBuilder } from './query-builder.js';
import type {
  CountMethod,
  FnArgs,
  FnReturns,
  InsertOf,
  PostgrestClientOptions,
  RowOf,
  UpdateOf,
} from './types.js';

// An object argument (or an array holding one) cannot be written as a GET query parameter.
const isObject = (v: unknown): boolean =>
  v !== null && typeof v == 'object' && (!Array.isArray(v) || v.some(isObject));

/**
 * @example
 * const db = new PostgrestClient('https://x.supabase.co/rest/v1', {
 *   headers: { apikey: key, Authorization: `Bearer ${key}` },
 *   timeout: 5000,
 * });
 * const { data, error } = await db.from('sites').select('id,name').eq('id', 1).single();
 */
export class PostgrestClient<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by default, like postgrest-js
  Database = any,
  SchemaName extends string & keyof Database = 'public' extends keyof Database
    ? 'public'
    : string & keyof Database,
  Schema = Database[SchemaName],
> {
  /** @internal */ protected o: Shared;

  constructor(
    /** @internal */ protected url: string,
    options: PostgrestClientOptions = {},
  ) {
    // Lower-cased once, so per-request header writes never have to look for other spellings.
    const headers = Object.fromEntries(new Headers(options.headers)) as Record<string, string>;
    // Resolve the global at call time: Workers reject a detached `fetch` bound elsewhere.
    this.o = { ...options, headers, fetch: options.fetch ?? ((u, i) => fetch(u, i)) };
  }

  /** Query a table or view. */
  from<N extends string>(
    relation: N,
  ): PostgrestQueryBuilder<RowOf<Schema, N>, InsertOf<Schema, N>, UpdateOf<Schema, N>> {
    return new PostgrestQueryBuilder(this.url + '/' + encodeURIComponent(relation), this.o);
  }

  /** The same client against another exposed schema. */
  schema<S extends string & keyof Database>(schema: S): PostgrestClient<Database, S> {
    const c = new PostgrestClient<Database, S>(this.url);
    c.o = { ...this.o, schema };
    return c;
  }

  /**
   * Call a function: POST with a JSON body, or with `get` a GET (read-only functions) and with
   * `head` a HEAD, the arguments then going in the query string.
   */
  rpc<F extends string>(
    fn: F,
    args: FnArgs<Schema, F> = {} as FnArgs<Schema, F>,
    o: { head?: boolean; get?: boolean; count?: CountMethod } = {},
  ): PostgrestFilterBuilder<
    FnReturns<Schema, F> extends (infer R)[] ? R : never,
    FnReturns<Schema, F>
  > {
    // Query-string arguments are scalars or arrays of scalars (objects force a POST above).
    const a = args as Record<string, string | number | boolean | null | undefined | unknown[]>;
    // As postgrest-js: HEAD cannot carry object args, so it becomes POST with return=minimal.
    const post = o.head ? Object.values(a).some(isObject) : !o.get;
    const b = new PostgrestFilterBuilder<
      FnReturns<Schema, F> extends (infer R)[] ? R : never,
      FnReturns<Schema, F>
    >(
      post ? 'POST' : o.head ? 'HEAD' : 'GET',
      this.url + '/rpc/' + encodeURIComponent(fn),
      this.o,
      post ? a : undefined,
    );
    if (!post)
      for (const k in a)
        if (a[k] !== undefined) b['q'].append(k, Array.isArray(a[k]) ? pgArray(a[k]) : '' + a[k]);
    if (o.count) b['prefer']('count=' + o.count);
    if (post && o.head) {
      b['prefer']('return=minimal');
      b['min'] = true;
    }
    return b;
  }
}
