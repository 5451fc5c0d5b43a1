/** Type-level behaviour: row types from a generated Database, singular results, throwOnError. */
import { describe, expectTypeOf, it } from 'vitest';
import {
  PostgrestClient,
  type PostgrestError,
  type PostgrestResponseSuccess,
  type PostgrestSingleResponse,
} from '../src/index.js';
import { captureFetch } from './helpers/capture.js';

interface Row {
  id: number;
  name: string;
}
interface Database {
  public: {
    Tables: {
      items: { Row: Row; Insert: { id?: number; name: string }; Update: { name?: string } };
    };
    Views: { item_names: { Row: { name: string } } };
    Functions: {
      add: { Args: { a: number; b: number }; Returns: number };
      list: { Args: Record<string, never>; Returns: Row[] };
    };
  };
}

const { fetch } = captureFetch();
const db = new PostgrestClient<Database>('http://h', { fetch });

describe('types', () => {
  it('rows come from the Database type', async () => {
    const res = await db.from('items').select();
    expectTypeOf(res).toEqualTypeOf<PostgrestSingleResponse<Row[]>>();
    if (res.error) {
      expectTypeOf(res.error).toEqualTypeOf<PostgrestError>();
      expectTypeOf(res.data).toEqualTypeOf<null>();
    } else expectTypeOf(res.data).toEqualTypeOf<Row[]>();
    expectTypeOf((await db.from('item_names').select()).data).toEqualTypeOf<
      { name: string }[] | null
    >();
  });

  it('single and maybeSingle unwrap the row', async () => {
    expectTypeOf(
      (await db.from('items').select().eq('id', 1).single()).data,
    ).toEqualTypeOf<Row | null>();
    expectTypeOf((await db.from('items').select().maybeSingle()).data).toEqualTypeOf<Row | null>();
    expectTypeOf((await db.from('items').select().csv()).data).toEqualTypeOf<string | null>();
  });

  it('throwOnError narrows the result to success, anywhere in the chain', async () => {
    const res = await db.from('items').select().throwOnError().eq('id', 1).order('id');
    expectTypeOf(res).toEqualTypeOf<PostgrestResponseSuccess<Row[]>>();
    expectTypeOf(res.data).toEqualTypeOf<Row[]>();
    expectTypeOf(res.error).toEqualTypeOf<null>();
    const one = await db.from('items').select().single().throwOnError();
    expectTypeOf(one.data).toEqualTypeOf<Row>();
  });

  it('writes return nothing until select(); inserts take the Insert type', async () => {
    expectTypeOf((await db.from('items').insert({ name: 'x' })).data).toEqualTypeOf<null>();
    expectTypeOf((await db.from('items').insert({ name: 'x' }).select()).data).toEqualTypeOf<
      Row[] | null
    >();
    type Items = ReturnType<typeof db.from<'items'>>;
    expectTypeOf<Parameters<Items['insert']>[0]>().toEqualTypeOf<
      { id?: number; name: string } | { id?: number; name: string }[]
    >();
    expectTypeOf<Parameters<Items['update']>[0]>().toEqualTypeOf<{ name?: string }>();
    // @ts-expect-error -- `name` is required by the Insert type
    void db.from('items').insert({ id: 1 });
  });

  it('rpc arguments and results come from Functions', async () => {
    expectTypeOf((await db.rpc('add', { a: 1, b: 2 })).data).toEqualTypeOf<number | null>();
    expectTypeOf((await db.rpc('list').single()).data).toEqualTypeOf<Row | null>();
    // @ts-expect-error -- b must be a number
    void db.rpc('add', { a: 1, b: 'x' });
  });

  it('returns<T>() overrides the result type', async () => {
    const res = await db.from('items').select('id').returns<{ id: number }[]>().eq('id', 1);
    expectTypeOf(res.data).toEqualTypeOf<{ id: number }[] | null>();
  });

  it('an untyped client yields loose rows', async () => {
    const loose = new PostgrestClient('http://h', { fetch });
    const res = await loose.from('anything').select().throwOnError();
    expectTypeOf(res.data).toBeArray();
  });
});
