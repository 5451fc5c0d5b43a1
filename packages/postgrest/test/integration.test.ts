/**
 * Against the real PostgREST 12.0.2 of @sightline/devstack (embedded Postgres, Supabase roles,
 * the gateway's apikey check): every filter and modifier, writes, rpc, counts, singular
 * responses and error mapping. Fixture schema: test/fixtures/migrations.
 */
import type { Devstack } from '@sightline/devstack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listItem, PostgrestClient, PostgrestError } from '../src/index.js';
import { hostileString } from './helpers/arbitraries.js';
import { startStack } from './helpers/stack.js';

interface Item {
  id: number;
  name: string;
  qty: number | null;
  price: number | null;
  tags: string[];
  meta: Record<string, unknown> | null;
  during: string | null;
  flag: boolean | null;
}
interface Database {
  public: {
    Tables: {
      items: { Row: Item };
      owners: { Row: { id: number; name: string } };
      pets: { Row: { id: number; owner_id: number; name: string } };
      writes: {
        Row: { id: number; email: string | null; note: string | null; score: number };
        Insert: { id?: number; email?: string | null; note?: string | null; score?: number };
      };
      strings: { Row: { id: number; s: string }; Insert: { s: string } };
      secrets: { Row: { id: number; v: string | null } };
    };
    Functions: {
      add: { Args: { a: number; b: number }; Returns: number };
      echo: { Args: { payload: unknown }; Returns: unknown };
      sum_all: { Args: { xs: number[] }; Returns: number };
      items_with_tag: { Args: { tag: string }; Returns: Item[] };
      fail_loudly: { Args: Record<string, never>; Returns: undefined };
    };
  };
}

let stop: () => Promise<void>;
let db: PostgrestClient<Database>;
let url: string;
let anonKey: string;
let stack: Devstack;

beforeAll(async () => {
  const started = await startStack();
  stop = started.stop;
  url = `${started.stack.url}/rest/v1`;
  anonKey = started.stack.anonKey;
  stack = started.stack;
  db = new PostgrestClient<Database>(url, { headers: { apikey: anonKey }, timeout: 10_000 });
});
afterAll(async () => {
  await stop?.();
});

const ids = (rows: { id: number }[] | null): number[] => (rows ?? []).map((r) => r.id);

describe('filters', () => {
  const cases: [
    string,
    () => PromiseLike<{ data: { id: number }[] | null; error: unknown }>,
    number[],
  ][] = [
    ['eq', () => db.from('items').select('id').eq('qty', 5), [2]],
    [
      'eq with structure characters',
      () => db.from('items').select('id').eq('name', 'Zürich, "Lake" (north)'),
      [4],
    ],
    [
      'eq with an or() look-alike',
      () => db.from('items').select('id').eq('name', 'or(id.eq.1)'),
      [6],
    ],
    ['neq', () => db.from('items').select('id').neq('qty', 5).order('id'), [1, 4, 5, 6]],
    ['gt', () => db.from('items').select('id').gt('qty', 5).order('id'), [1, 4]],
    ['gte', () => db.from('items').select('id').gte('qty', 7).order('id'), [1, 4]],
    ['lt', () => db.from('items').select('id').lt('qty', 5).order('id'), [5, 6]],
    ['lte', () => db.from('items').select('id').lte('price', 1.2).order('id'), [2, 5, 6]],
    ['like', () => db.from('items').select('id').like('name', '%apple').order('id'), [1, 2]],
    ['like with *', () => db.from('items').select('id').like('name', 'red*'), [1]],
    // ASCII case only: folding ü/Ü depends on the cluster's locale, not on the client.
    ['ilike', () => db.from('items').select('id').ilike('name', '%züRICH%'), [4]],
    ['is null', () => db.from('items').select('id').is('flag', null).order('id'), [3, 6]],
    ['is true', () => db.from('items').select('id').is('flag', true).order('id'), [1, 4]],
    ['in numbers', () => db.from('items').select('id').in('id', [2, 3, 99]).order('id'), [2, 3]],
    [
      'in strings with commas, quotes, parens, backslashes',
      () =>
        db
          .from('items')
          .select('id')
          .in('name', ['Zürich, "Lake" (north)', "back\\slash and 'quote'", 'or(id.eq.1)'])
          .order('id'),
      [4, 5, 6],
    ],
    [
      'contains array',
      () => db.from('items').select('id').contains('tags', ['fruit']).order('id'),
      [1, 2],
    ],
    [
      'contains array with spaces and commas',
      () => db.from('items').select('id').contains('tags', ['a b', 'c,d']),
      [4],
    ],
    [
      'contains jsonb',
      () => db.from('items').select('id').contains('meta', { origin: 'ch' }).order('id'),
      [1, 4],
    ],
    [
      'contains range element',
      () => db.from('items').select('id').contains('during', '[2,3]'),
      [1],
    ],
    [
      'containedBy array',
      () => db.from('items').select('id').containedBy('tags', ['fruit', 'red', 'x']).order('id'),
      [1, 5, 6],
    ],
    [
      'containedBy jsonb',
      () =>
        db.from('items').select('id').containedBy('meta', { origin: 'fr', extra: 1 }).order('id'),
      [2, 5],
    ],
    [
      'overlaps array',
      () => db.from('items').select('id').overlaps('tags', ['green', 'dessert']).order('id'),
      [2, 3],
    ],
    [
      'overlaps range',
      () => db.from('items').select('id').overlaps('during', '[4,6)').order('id'),
      [1, 2],
    ],
    [
      'rangeGt',
      () => db.from('items').select('id').rangeGt('during', '[1,20)').order('id'),
      [4, 5],
    ],
    [
      'rangeGte',
      () => db.from('items').select('id').rangeGte('during', '[10,11)').order('id'),
      [3, 4, 5],
    ],
    [
      'rangeLt',
      () => db.from('items').select('id').rangeLt('during', '[10,11)').order('id'),
      [1, 2],
    ],
    [
      'rangeLte',
      () => db.from('items').select('id').rangeLte('during', '[1,10)').order('id'),
      [1, 2],
    ],
    ['rangeAdjacent', () => db.from('items').select('id').rangeAdjacent('during', '[40,50)'), [5]],
    ['textSearch', () => db.from('items').select('id').textSearch('doc', "'appl' & 'green'"), [2]],
    [
      'textSearch plain',
      () =>
        db
          .from('items')
          .select('id')
          .textSearch('doc', 'red apples', { type: 'plain', config: 'english' }),
      [1],
    ],
    [
      'textSearch phrase',
      () =>
        db
          .from('items')
          .select('id')
          .textSearch('doc', 'banana split', { type: 'phrase', config: 'english' }),
      [3],
    ],
    [
      'textSearch websearch',
      () =>
        db
          .from('items')
          .select('id')
          .textSearch('doc', 'apple -green', { type: 'websearch', config: 'english' }),
      [1],
    ],
    ['match', () => db.from('items').select('id').match({ qty: 10, flag: true }), [1]],
    ['not eq', () => db.from('items').select('id').not('qty', 'eq', 10).order('id'), [2, 4, 5, 6]],
    [
      'not is null',
      () => db.from('items').select('id').not('flag', 'is', null).order('id'),
      [1, 2, 4, 5],
    ],
    [
      'not in (array)',
      () => db.from('items').select('id').not('id', 'in', [1, 2, 3]).order('id'),
      [4, 5, 6],
    ],
    [
      'not in (postgrest-js string form)',
      () => db.from('items').select('id').not('id', 'in', '(1,2,3,4)').order('id'),
      [5, 6],
    ],
    ['or', () => db.from('items').select('id').or('id.eq.1,qty.eq.7').order('id'), [1, 4]],
    [
      'or with and',
      () => db.from('items').select('id').or('id.eq.3,and(qty.gt.5,flag.is.true)').order('id'),
      [1, 3, 4],
    ],
    ['filter raw', () => db.from('items').select('id').filter('qty', 'gte', 7).order('id'), [1, 4]],
    [
      'filter jsonb path',
      () => db.from('items').select('id').filter('meta->>origin', 'eq', 'fr'),
      [2],
    ],
  ];
  it.each(cases)('%s', async (_name, call, expected) => {
    const { data, error } = await call();
    expect(error).toBeNull();
    expect(ids(data)).toEqual(expected);
  });
});

describe('modifiers', () => {
  it('select with embedding, order, referenced order/limit/or', async () => {
    const { data, error } = await db
      .from('owners')
      .select('name, pets(name)')
      .order('id')
      .order('name', { referencedTable: 'pets', ascending: false })
      .limit(1, { referencedTable: 'pets' });
    expect(error).toBeNull();
    expect(data).toEqual([
      { name: 'ann', pets: [{ name: 'tom' }] },
      { name: 'bob', pets: [{ name: 'kit' }] },
    ]);
    const filtered = await db
      .from('owners')
      .select('id, pets(id)')
      .or('name.eq.rex,name.eq.kit', { referencedTable: 'pets' })
      .order('id');
    expect(filtered.data).toEqual([
      { id: 1, pets: [{ id: 1 }] },
      { id: 2, pets: [{ id: 3 }] },
    ]);
  });

  it('order desc with nulls first/last', async () => {
    const first = await db
      .from('items')
      .select('id')
      .order('qty', { ascending: false, nullsFirst: true });
    expect(ids(first.data)).toEqual([3, 1, 4, 2, 6, 5]);
    const last = await db.from('items').select('id').order('qty', { nullsFirst: false });
    expect(ids(last.data)).toEqual([5, 6, 2, 4, 1, 3]);
  });

  it('limit and range', async () => {
    expect(ids((await db.from('items').select('id').order('id').limit(2)).data)).toEqual([1, 2]);
    expect(ids((await db.from('items').select('id').order('id').range(2, 4)).data)).toEqual([
      3, 4, 5,
    ]);
  });

  it('count exact with Content-Range, and head', async () => {
    const page = await db.from('items').select('id', { count: 'exact' }).order('id').range(0, 1);
    expect(page).toMatchObject({ count: 6, status: 206, error: null });
    expect(ids(page.data)).toEqual([1, 2]);
    const head = await db.from('items').select('*', { count: 'exact', head: true }).gt('qty', 4);
    expect(head).toMatchObject({ data: null, count: 3, status: 200, error: null });
    const planned = await db.from('items').select('id', { count: 'planned' });
    expect(typeof planned.count).toBe('number');
  });

  it('single: one row as an object; none is PGRST116 (406)', async () => {
    const one = await db.from('items').select('id, name').eq('id', 2).single();
    expect(one).toMatchObject({ data: { id: 2, name: 'green apple' }, error: null, status: 200 });
    const none = await db.from('items').select().eq('id', 99).single();
    expect(none).toMatchObject({ data: null, status: 406, error: { code: 'PGRST116' } });
    expect(none.error).toBeInstanceOf(PostgrestError);
  });

  it('maybeSingle: null for none, object for one, PGRST116 for many', async () => {
    expect((await db.from('items').select('id').eq('id', 99).maybeSingle()).data).toBeNull();
    expect((await db.from('items').select('id').eq('id', 3).maybeSingle()).data).toEqual({ id: 3 });
    const many = await db.from('items').select('id').maybeSingle();
    expect(many.error?.code).toBe('PGRST116');
  });

  it('csv', async () => {
    const { data } = await db.from('owners').select('id,name').order('id').csv();
    expect(data).toBe('id,name\n1,ann\n2,bob');
  });

  it('abortSignal cancels the request', async () => {
    const ac = new AbortController();
    ac.abort();
    const res = await db.from('items').select().abortSignal(ac.signal);
    expect(res).toMatchObject({ status: 0, error: { code: 'ABORTED' } });
  });

  it('schema(): public works, an unexposed schema is PostgREST’s PGRST106', async () => {
    expect((await db.schema('public').from('owners').select('id').order('id')).data).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    const other = await new PostgrestClient(url, { headers: { apikey: anonKey } })
      .schema('private')
      .from('x')
      .select();
    expect(other.error?.code).toBe('PGRST106');
  });
});

describe('writes', () => {
  it('insert minimal returns 201 and no data; select() returns the row', async () => {
    const minimal = await db.from('writes').insert({ email: 'min@x', note: 'a' });
    expect(minimal).toMatchObject({ data: null, error: null, status: 201 });
    const rep = await db.from('writes').insert({ email: 'rep@x' }).select('email, score').single();
    expect(rep.data).toEqual({ email: 'rep@x', score: 42 });
  });

  it('bulk insert with missing keys: defaultToNull true gives null, false gives DEFAULT', async () => {
    const nulls = await db
      .from('writes')
      .insert([
        { email: 'b1@x', score: 1 },
        { email: 'b2@x', note: 'n' },
      ])
      .select('email, score')
      .order('email');
    expect(nulls.error?.code).toBe('23502'); // NOT NULL score got null for b2
    const defaults = await db
      .from('writes')
      .insert(
        [
          { email: 'd1@x', score: 1 },
          { email: 'd2@x', note: 'n' },
        ],
        { defaultToNull: false },
      )
      .select('email, score');
    expect(defaults.data).toEqual([
      { email: 'd1@x', score: 1 },
      { email: 'd2@x', score: 42 },
    ]);
  });

  it('insert with count', async () => {
    const res = await db
      .from('writes')
      .insert([{ email: 'c1@x' }, { email: 'c2@x' }], { count: 'exact' });
    expect(res).toMatchObject({ count: 2, status: 201, data: null });
  });

  it('unique violation is 409 with code 23505 and details', async () => {
    await db.from('writes').insert({ email: 'dup@x' });
    const dup = await db.from('writes').insert({ email: 'dup@x' });
    expect(dup.status).toBe(409);
    expect(dup.error).toMatchObject({ code: '23505' });
    expect(dup.error?.details).toContain('dup@x');
    await expect(
      db.from('writes').insert({ email: 'dup@x' }).throwOnError(),
    ).rejects.toBeInstanceOf(PostgrestError);
  });

  it('upsert on_conflict merges, ignoreDuplicates keeps', async () => {
    await db.from('writes').insert({ email: 'up@x', note: 'first' });
    const merged = await db
      .from('writes')
      .upsert({ email: 'up@x', note: 'second' }, { onConflict: 'email' })
      .select('email, note');
    expect(merged.data).toEqual([{ email: 'up@x', note: 'second' }]);
    const ignored = await db
      .from('writes')
      .upsert({ email: 'up@x', note: 'third' }, { onConflict: 'email', ignoreDuplicates: true })
      .select('note');
    expect(ignored.data).toEqual([]);
    const now = await db.from('writes').select('note').eq('email', 'up@x').single();
    expect(now.data).toEqual({ note: 'second' });
  });

  it('upsert on the primary key', async () => {
    await db.from('writes').upsert({ id: 1000, email: 'pk@x', note: 'a' });
    await db.from('writes').upsert({ id: 1000, email: 'pk@x', note: 'b' });
    expect((await db.from('writes').select('note').eq('id', 1000).single()).data).toEqual({
      note: 'b',
    });
  });

  it('update and delete with filters, count and select', async () => {
    await db.from('writes').insert([{ email: 'u1@x' }, { email: 'u2@x' }]);
    const upd = await db
      .from('writes')
      .update({ note: 'updated' }, { count: 'exact' })
      .in('email', ['u1@x', 'u2@x'])
      .select('email, note')
      .order('email');
    expect(upd).toMatchObject({ count: 2, error: null });
    expect(upd.data).toEqual([
      { email: 'u1@x', note: 'updated' },
      { email: 'u2@x', note: 'updated' },
    ]);
    const del = await db.from('writes').delete({ count: 'exact' }).eq('email', 'u1@x');
    expect(del).toMatchObject({ count: 1, data: null, status: 204 });
    expect((await db.from('writes').select('id').eq('email', 'u1@x')).data).toEqual([]);
  });
});

describe('rpc', () => {
  it('POST with arguments', async () => {
    expect(await db.rpc('add', { a: 2, b: 3 })).toMatchObject({
      data: 5,
      error: null,
      status: 200,
    });
    expect((await db.rpc('echo', { payload: { a: [1, 'two'] } })).data).toEqual({ a: [1, 'two'] });
  });

  it('GET for immutable/stable functions, with array arguments', async () => {
    expect((await db.rpc('add', { a: 20, b: 22 }, { get: true })).data).toBe(42);
    expect((await db.rpc('sum_all', { xs: [1, 2, 3] }, { get: true })).data).toBe(6);
  });

  it('set-returning function with filters, order, count and single', async () => {
    const res = await db
      .rpc('items_with_tag', { tag: 'fruit' }, { count: 'exact' })
      .select('id, name')
      .order('id', { ascending: false });
    expect(res).toMatchObject({ count: 2, error: null });
    expect(ids(res.data)).toEqual([2, 1]);
    const one = await db
      .rpc('items_with_tag', { tag: 'fruit' }, { get: true })
      .eq('id', 1)
      .single();
    expect(one.data).toMatchObject({ id: 1, name: 'red apple' });
  });

  it('head with count', async () => {
    const res = await db.rpc('items_with_tag', { tag: 'fruit' }, { head: true, count: 'exact' });
    expect(res).toMatchObject({ data: null, count: 2, error: null });
  });

  it('maps a raised exception with detail and hint', async () => {
    const res = await db.rpc('fail_loudly');
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      code: 'P0001',
      message: 'kaboom',
      details: 'on purpose',
      hint: 'it is a test',
    });
  });
});

describe('errors', () => {
  it('404 for an unknown table (PGRST205 or 42P01)', async () => {
    const res = await db.from('nope').select();
    expect(res.status).toBe(404);
    expect(res.error?.code).toMatch(/^(PGRST205|42P01)$/);
  });

  it('404 for an unknown function (PGRST202)', async () => {
    const res = await db.rpc('nope', { a: 1 });
    expect(res.status).toBe(404);
    expect(res.error?.code).toBe('PGRST202');
  });

  it('400 for a bad filter (PGRST100) and an unknown column (42703)', async () => {
    const bad = await db.from('items').select().filter('id', 'nosuchop', 1);
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('PGRST100');
    const col = await db.from('items').select().eq('nosuchcolumn', 1);
    expect(col.status).toBe(400);
    expect(col.error?.code).toBe('42703');
  });

  it('401 for anon and 403 for an authenticated role without rights (42501)', async () => {
    const anon = await db.from('secrets').select();
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    const token = await stack.signToken(
      { role: 'authenticated', sub: 'u1' },
      { algorithm: 'HS256' },
    );
    const user = new PostgrestClient(url, {
      headers: { apikey: anonKey, Authorization: `Bearer ${token}` },
    });
    const denied = await user.from('secrets').insert({ id: 1, v: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.error?.code).toBe('42501');
  });

  it('401 from the gateway without an apikey', async () => {
    const res = await new PostgrestClient(url).from('items').select();
    expect(res.status).toBe(401);
    expect(res.error).toBeInstanceOf(PostgrestError);
  });

  it('FETCH_ERROR when nothing listens', async () => {
    const res = await new PostgrestClient('http://127.0.0.1:9', { retry: false })
      .from('items')
      .select();
    expect(res).toMatchObject({ status: 0, error: { code: 'FETCH_ERROR' } });
  });
});

describe('hostile values round-trip through the real PostgREST', () => {
  // A fixed seed: the same 40 strings every run, so a failure reproduces.
  const values = [...new Set(fc.sample(hostileString, { numRuns: 40, seed: 4 }))];

  it('in(), eq(), or() with listItem and not in match exactly the stored strings', async () => {
    const inserted = await db
      .from('strings')
      .insert(values.map((s) => ({ s })))
      .select('id, s');
    expect(inserted.error).toBeNull();
    const sorted = (rows: { s: string }[] | null) => (rows ?? []).map((r) => r.s).sort();

    const byIn = await db.from('strings').select('s').in('s', values);
    expect(byIn.error).toBeNull();
    expect(sorted(byIn.data)).toEqual([...values].sort());

    for (const v of values) {
      const byEq = await db.from('strings').select('s').eq('s', v);
      expect(byEq.data).toEqual([{ s: v }]);
    }

    const [a, b] = values;
    const byOr = await db
      .from('strings')
      .select('s')
      .or(`s.eq.${listItem(a)},s.eq.${listItem(b)}`);
    expect(byOr.error).toBeNull();
    expect(sorted(byOr.data)).toEqual([a!, b!].sort());

    const rest = await db.from('strings').select('s').not('s', 'in', values.slice(1));
    expect(sorted(rest.data)).toEqual([values[0]!]);
  });
});
