/**
 * Builder calls run against both postgrest-js and this client by the parity suite. Values are
 * chosen to stress the URL grammar (commas, parentheses, dots, quotes-free unicode, spaces,
 * `or(...)` look-alikes) wherever postgrest-js itself encodes them correctly; the values it gets
 * wrong are covered separately (see encoding.test.ts).
 */

/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- one corpus drives two differently typed clients */
type C = any;

export const corpus: [string, (c: C) => PromiseLike<unknown>][] = [
  ['select all', (c) => c.from('users').select()],
  ['select columns with spaces', (c) => c.from('users').select('id, name,  email')],
  ['select quoted column keeps spaces', (c) => c.from('users').select('id, "full name"')],
  ['select embedded', (c) => c.from('users').select('id, posts ( id, title )')],
  ['select alias and cast', (c) => c.from('users').select('uid:id, age::text')],
  ['select count exact', (c) => c.from('users').select('*', { count: 'exact' })],
  [
    'select count planned head',
    (c) => c.from('users').select('*', { count: 'planned', head: true }),
  ],
  ['select head', (c) => c.from('users').select('id', { head: true })],
  ['select count estimated', (c) => c.from('users').select('id', { count: 'estimated' })],
  ['eq number', (c) => c.from('t').select().eq('id', 1)],
  ['eq string with comma and parens', (c) => c.from('t').select().eq('name', 'a,b(c)')],
  ['eq string with dots', (c) => c.from('t').select().eq('name', 'a.b.eq.c')],
  ['eq string like or()', (c) => c.from('t').select().eq('name', 'x,or(id.eq.1)')],
  ['eq unicode', (c) => c.from('t').select().eq('name', 'Zürich ☃ 東京')],
  ['eq ampersand equals hash plus', (c) => c.from('t').select().eq('q', 'a&b=c#d+e%f')],
  ['eq spaces', (c) => c.from('t').select().eq('q', '  two  spaces ')],
  ['eq boolean', (c) => c.from('t').select().eq('ok', true)],
  ['eq null', (c) => c.from('t').select().eq('v', null)],
  ['neq', (c) => c.from('t').select().neq('id', 2)],
  ['gt gte lt lte', (c) => c.from('t').select().gt('a', 1).gte('b', 2).lt('c', 3).lte('d', 4)],
  ['gt date', (c) => c.from('t').select().gt('at', '2024-01-01T00:00:00+00:00')],
  ['like', (c) => c.from('t').select().like('name', '%ab_c*')],
  ['ilike', (c) => c.from('t').select().ilike('name', '*ZÜ%')],
  ['is null', (c) => c.from('t').select().is('v', null)],
  ['is true false', (c) => c.from('t').select().is('a', true).is('b', false)],
  ['in numbers', (c) => c.from('t').select().in('id', [1, 2, 3])],
  ['in duplicates', (c) => c.from('t').select().in('id', [1, 1, 2])],
  ['in strings', (c) => c.from('t').select().in('name', ['a', 'b'])],
  ['in strings with commas', (c) => c.from('t').select().in('name', ['a,b', 'c'])],
  ['in strings with parens', (c) => c.from('t').select().in('name', ['f(x)', 'y)', '(z'])],
  ['in strings with dots', (c) => c.from('t').select().in('name', ['a.b', 'eq.1'])],
  ['in unicode', (c) => c.from('t').select().in('name', ['ä', '☃'])],
  ['in booleans', (c) => c.from('t').select().in('flag', [true, false])],
  ['contains array', (c) => c.from('t').select().contains('tags', ['a', 'b'])],
  ['contains string range', (c) => c.from('t').select().contains('r', '[1,5)')],
  [
    'contains json',
    (c) =>
      c
        .from('t')
        .select()
        .contains('meta', { a: 1, b: { c: [1, 2] } }),
  ],
  ['containedBy array', (c) => c.from('t').select().containedBy('tags', ['x'])],
  ['containedBy json', (c) => c.from('t').select().containedBy('meta', { a: 'b' })],
  ['overlaps array', (c) => c.from('t').select().overlaps('tags', ['a', 'b'])],
  ['overlaps range string', (c) => c.from('t').select().overlaps('r', '[2,4]')],
  ['rangeGt', (c) => c.from('t').select().rangeGt('r', '[1,2)')],
  ['rangeGte', (c) => c.from('t').select().rangeGte('r', '[1,2)')],
  ['rangeLt', (c) => c.from('t').select().rangeLt('r', '(1,2]')],
  ['rangeLte', (c) => c.from('t').select().rangeLte('r', '[1,2]')],
  ['rangeAdjacent', (c) => c.from('t').select().rangeAdjacent('r', '[3,4)')],
  ['textSearch default', (c) => c.from('t').select().textSearch('doc', "'fat' & 'cat'")],
  [
    'textSearch plain config',
    (c) => c.from('t').select().textSearch('doc', 'fat cat', { type: 'plain', config: 'english' }),
  ],
  [
    'textSearch phrase',
    (c) => c.from('t').select().textSearch('doc', 'fat cat', { type: 'phrase' }),
  ],
  [
    'textSearch websearch',
    (c) =>
      c
        .from('t')
        .select()
        .textSearch('doc', '"fat cat" -rat', { type: 'websearch', config: 'simple' }),
  ],
  ['match', (c) => c.from('t').select().match({ a: 1, b: 'x,y', c: undefined })],
  ['not eq', (c) => c.from('t').select().not('a', 'eq', 1)],
  ['not is', (c) => c.from('t').select().not('a', 'is', null)],
  ['not in raw string', (c) => c.from('t').select().not('id', 'in', '(1,2)')],
  ['or', (c) => c.from('t').select().or('id.eq.1,name.eq.x')],
  ['or nested and', (c) => c.from('t').select().or('id.gt.5,and(a.eq.1,b.lt.2)')],
  [
    'or referenced',
    (c) => c.from('t').select('*, posts(*)').or('id.eq.1,id.eq.2', { referencedTable: 'posts' }),
  ],
  [
    'or foreignTable',
    (c) => c.from('t').select('*, posts(*)').or('id.eq.1', { foreignTable: 'posts' }),
  ],
  ['filter raw', (c) => c.from('t').select().filter('a', 'eq', 'b')],
  ['filter raw in', (c) => c.from('t').select().filter('id', 'in', '(1,2,3)')],
  ['filter json path', (c) => c.from('t').select().filter('data->>k', 'eq', 'v')],
  ['embedded filter', (c) => c.from('t').select('*, posts(*)').eq('posts.id', 3)],
  ['order asc', (c) => c.from('t').select().order('a')],
  [
    'order desc nulls first',
    (c) => c.from('t').select().order('a', { ascending: false, nullsFirst: true }),
  ],
  ['order nulls last', (c) => c.from('t').select().order('a', { nullsFirst: false })],
  ['order twice', (c) => c.from('t').select().order('a').order('b', { ascending: false })],
  [
    'order referenced',
    (c) => c.from('t').select('*, posts(*)').order('id', { referencedTable: 'posts' }),
  ],
  ['limit', (c) => c.from('t').select().limit(10)],
  ['limit twice', (c) => c.from('t').select().limit(10).limit(3)],
  [
    'limit referenced',
    (c) => c.from('t').select('*, posts(*)').limit(1, { referencedTable: 'posts' }),
  ],
  ['range', (c) => c.from('t').select().range(10, 19)],
  [
    'range referenced',
    (c) => c.from('t').select('*, posts(*)').range(0, 4, { foreignTable: 'posts' }),
  ],
  ['single', (c) => c.from('t').select().eq('id', 1).single()],
  ['maybeSingle', (c) => c.from('t').select().eq('id', 1).maybeSingle()],
  ['csv', (c) => c.from('t').select().csv()],
  ['abortSignal', (c) => c.from('t').select().abortSignal(new AbortController().signal)],
  ['insert one', (c) => c.from('t').insert({ a: 1, b: 'x' })],
  ['insert many', (c) => c.from('t').insert([{ a: 1 }, { b: 2 }, { a: 3, c: null }])],
  ['insert empty array', (c) => c.from('t').insert([])],
  ['insert count', (c) => c.from('t').insert({ a: 1 }, { count: 'exact' })],
  ['insert defaultToNull false', (c) => c.from('t').insert([{ a: 1 }], { defaultToNull: false })],
  ['insert select', (c) => c.from('t').insert({ a: 1 }).select()],
  ['insert select columns single', (c) => c.from('t').insert({ a: 1 }).select('id, a').single()],
  ['insert bigint', (c) => c.from('t').insert({ big: 9007199254740993n })],
  ['insert nested json', (c) => c.from('t').insert({ meta: { a: [1, { b: 'c' }] } })],
  ['upsert', (c) => c.from('t').upsert({ id: 1, a: 2 })],
  ['upsert onConflict', (c) => c.from('t').upsert({ email: 'e', a: 2 }, { onConflict: 'email' })],
  ['upsert onConflict multi', (c) => c.from('t').upsert([{ a: 1, b: 2 }], { onConflict: 'a,b' })],
  ['upsert ignoreDuplicates', (c) => c.from('t').upsert({ id: 1 }, { ignoreDuplicates: true })],
  [
    'upsert count defaultToNull select',
    (c) =>
      c
        .from('t')
        .upsert([{ id: 1 }, { id: 2, x: 1 }], { count: 'exact', defaultToNull: false })
        .select(),
  ],
  ['update', (c) => c.from('t').update({ a: 1 }).eq('id', 1)],
  [
    'update count select',
    (c) => c.from('t').update({ a: 1 }, { count: 'exact' }).eq('id', 1).select('id'),
  ],
  ['update in', (c) => c.from('t').update({ a: null }).in('id', [1, 2])],
  ['delete', (c) => c.from('t').delete().eq('id', 1)],
  ['delete count select', (c) => c.from('t').delete({ count: 'exact' }).lt('id', 5).select()],
  ['rpc no args', (c) => c.rpc('now_fn')],
  ['rpc args', (c) => c.rpc('add', { a: 1, b: 2 })],
  ['rpc json arg', (c) => c.rpc('ingest', { payload: { events: [{ id: 'x' }] } })],
  ['rpc count', (c) => c.rpc('list', {}, { count: 'exact' })],
  ['rpc get', (c) => c.rpc('add', { a: 1, b: 'two words' }, { get: true })],
  ['rpc get array arg', (c) => c.rpc('sum', { xs: [1, 2, 3] }, { get: true })],
  ['rpc get undefined arg', (c) => c.rpc('add', { a: 1, b: undefined }, { get: true })],
  ['rpc head', (c) => c.rpc('add', { a: 1 }, { head: true })],
  ['rpc head count', (c) => c.rpc('list', {}, { head: true, count: 'exact' })],
  ['rpc head object arg', (c) => c.rpc('ingest', { p: { a: 1 } }, { head: true, count: 'exact' })],
  ['rpc filters', (c) => c.rpc('list').eq('a', 1).order('b').limit(2)],
  ['rpc select single', (c) => c.rpc('list').select('id').single()],
  [
    'rpc get filters',
    (c) => c.rpc('list', { q: 'x,y' }, { get: true }).in('id', [1, 2]).range(0, 9),
  ],
  ['schema select', (c) => c.schema('private').from('t').select()],
  ['schema insert', (c) => c.schema('private').from('t').insert({ a: 1 })],
  ['schema rpc', (c) => c.schema('api').rpc('f', { a: 1 })],
  ['schema rpc get', (c) => c.schema('api').rpc('f', { a: 1 }, { get: true })],
  ['schema head', (c) => c.schema('api').from('t').select('*', { head: true, count: 'exact' })],
  ['table with space', (c) => c.from('my table').select()],
  ['throwOnError', (c) => c.from('t').select().eq('id', 1).throwOnError()],
  [
    'everything',
    (c) =>
      c
        .from('t')
        .select('id, name, posts(id)', { count: 'exact' })
        .eq('a', 1)
        .neq('b', 'x')
        .in('c', [1, 'two', 'th,ree'])
        .ilike('d', '%q%')
        .or('e.is.null,e.gt.5')
        .order('id', { ascending: false })
        .range(20, 29),
  ],
];
