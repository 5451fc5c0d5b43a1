/**
 * Encoding parity with postgrest-js: every corpus call is made through both clients with an
 * injected fetch, and the two requests must mean the same to PostgREST: method, path, query
 * parameters read with PostgREST's grammar (so `"a"` and `a` in a list are equal), the headers
 * PostgREST acts on, and the JSON body.
 */
import { PostgrestClient as Reference } from '@supabase/postgrest-js';
import { describe, expect, it } from 'vitest';
import { PostgrestClient } from '../src/index.js';
import { captureFetch } from './helpers/capture.js';
import { corpus } from './helpers/corpus.js';
import { normalize } from './helpers/normalize.js';

const URL_BASE = 'http://127.0.0.1:54321/rest/v1';
const headers = { apikey: 'anon-key', Authorization: 'Bearer anon-key' };

describe('encoding parity with @supabase/postgrest-js', () => {
  it('has a broad corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
  });

  it.each(corpus)('%s', async (_name, call) => {
    const ref = captureFetch();
    const ours = captureFetch();
    // retry: false so a canned 200 is the only answer either client sees.
    await call(new Reference(URL_BASE, { headers, fetch: ref.fetch, retry: false }));
    await call(new PostgrestClient(URL_BASE, { headers, fetch: ours.fetch, retry: false }));
    expect(ours.requests).toHaveLength(1);
    expect(ref.requests).toHaveLength(1);
    expect(normalize(ours.requests[0]!)).toEqual(normalize(ref.requests[0]!));
  });
});
