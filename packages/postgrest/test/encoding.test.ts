/**
 * No value can change a query's structure: for arbitrary hostile strings, the request still has
 * exactly the parameters the builder wrote, and PostgREST's grammar (test/helpers/grammar.ts,
 * checked against the real server in integration.test.ts) reads back exactly the values given.
 */
import { PostgrestClient as Reference } from '@supabase/postgrest-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listItem, PostgrestClient } from '../src/index.js';
import { hostileString } from './helpers/arbitraries.js';
import { captureFetch } from './helpers/capture.js';
import { parseArray, parseList } from './helpers/grammar.js';

const db = new PostgrestClient('http://h/rest/v1');
const params = (url: string): [string, string][] => [...new URL(url).searchParams];

describe('filter values cannot change the query structure', () => {
  it('eq/neq/like/textSearch: one parameter holding the value verbatim', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (a, b) => {
        const { url } = db
          .from('t')
          .select('id')
          .eq('a', a)
          .like('b', b)
          .textSearch('c', a)
          .toRequest();
        expect(params(url)).toEqual([
          ['select', 'id'],
          ['a', `eq.${a}`],
          ['b', `like.${b}`],
          ['c', `fts.${a}`],
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('in(): the list reads back as exactly the (deduplicated) values', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 6 }), (values) => {
        const p = params(db.from('t').select().in('s', values).eq('x', 1).toRequest().url);
        expect(p.map(([k]) => k)).toEqual(['select', 's', 'x']);
        expect(p[1]![1].startsWith('in.')).toBe(true);
        expect(parseList(p[1]![1].slice(3))).toEqual([...new Set(values)]);
      }),
      { numRuns: 500 },
    );
  });

  it('not in with an array reads back the same way', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 4 }), (values) => {
        const [, v] = params(db.from('t').select().not('s', 'in', values).toRequest().url)[1]!;
        expect(parseList(v.slice('not.in.'.length))).toEqual([...new Set(values)]);
      }),
    );
  });

  it('contains/containedBy/overlaps arrays read back as Postgres array elements', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { maxLength: 5 }), (values) => {
        const p = params(
          db
            .from('t')
            .select()
            .contains('a', values)
            .containedBy('b', values)
            .overlaps('c', values)
            .toRequest().url,
        );
        expect(p.map(([k]) => k)).toEqual(['select', 'a', 'b', 'c']);
        for (const [, v] of p.slice(1)) expect(parseArray(v.slice(3))).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });

  it('rpc GET arguments stay one parameter each', () => {
    fc.assert(
      fc.property(hostileString, fc.array(hostileString, { maxLength: 4 }), (s, xs) => {
        const p = params(db.rpc('f', { s, xs }, { get: true }).toRequest().url);
        expect(p.map(([k]) => k)).toEqual(['s', 'xs']);
        expect(p[0]![1]).toBe(s);
        expect(parseArray(p[1]![1])).toEqual(xs);
      }),
    );
  });

  it('listItem quotes exactly what the or() grammar needs', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        expect(parseList(`(${listItem(s)})`)).toEqual([s]);
      }),
      { numRuns: 500 },
    );
  });

  it('table and function names cannot reach the query string', () => {
    const { url } = db.from('a?select=secret#x').select('id').toRequest();
    expect(new URL(url).pathname).toBe('/rest/v1/a%3Fselect%3Dsecret%23x');
    expect(params(url)).toEqual([['select', 'id']]);
  });
});

describe('where postgrest-js and this client differ, on purpose', () => {
  // postgrest-js quotes in() elements holding , ( ) but never escapes " or \, and leaves
  // space-padded strings bare (PostgREST trims after the bracket): it then reads another list.
  it.each([['say "hi", bye'], ['back\\slash,'], [' padded ']])('in() with %j', async (value) => {
    const cap = captureFetch();
    await new Reference('http://h', { fetch: cap.fetch }).from('t').select().in('s', [value, 'z']);
    const refUrl = cap.requests[0]!.url;
    const refValue = new URL(refUrl).searchParams.get('s')!.slice(3);
    let refList: string[] | undefined;
    try {
      refList = parseList(refValue);
    } catch {
      refList = undefined;
    }
    expect(refList).not.toEqual([value, 'z']);
    const ours = new URL(
      db.from('t').select().in('s', [value, 'z']).toRequest().url,
    ).searchParams.get('s')!;
    expect(parseList(ours.slice(3))).toEqual([value, 'z']);
  });
});
