/**
 * Which `ingest_batch` failures are the batch's content (split it, dead-letter what still fails)
 * and which are worth retrying whole. Treating a content error as retryable wedged a site's
 * outbox for good; treating an outage or a missing function as content would dead-letter
 * every event of it.
 */
import { describe, expect, it } from 'vitest';
import { classifyFlushFailure } from '../src/durable-objects/flush-failure.js';

const kind = (status: number, code?: string) =>
  classifyFlushFailure({ status, code, message: 'm' }).kind;

describe('classifyFlushFailure', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape sequence (U+0000 in jsonb)'],
    ['22P02', 'invalid input syntax'],
    ['22021', 'character not in repertoire'],
    ['22003', 'numeric value out of range'],
    ['22023', 'invalid parameter value (ingest_batch: batch_id is required)'],
    ['23505', 'unique violation'],
    ['23502', 'not-null violation'],
    ['54000', 'program limit exceeded'],
    ['PGRST102', 'PostgREST: empty or invalid JSON body'],
  ])('%s (%s) is permanent', (code) => {
    expect(kind(400, code)).toBe('permanent');
  });

  it.each([
    ['08006', 503, 'connection failure'],
    ['40001', 500, 'serialization failure'],
    ['40P01', 500, 'deadlock'],
    ['53300', 503, 'too many connections'],
    ['55P03', 500, 'lock not available'],
    ['57014', 500, 'statement timeout'],
    ['57P01', 503, 'admin shutdown'],
    ['58030', 500, 'I/O error'],
    ['XX000', 500, 'internal error'],
    ['42883', 404, 'undefined function: migrations not applied yet'],
    ['42501', 403, 'insufficient privilege: wrong key'],
    ['42P01', 404, 'undefined table'],
    ['42804', 400, 'datatype mismatch: a Worker and database out of step'],
    ['PGRST000', 503, 'PostgREST cannot reach Postgres'],
    ['PGRST003', 504, 'PostgREST pool timeout'],
    ['PGRST202', 404, 'function not in the schema cache'],
    ['PGRST301', 401, 'JWT invalid'],
  ])('%s (HTTP %i, %s) is retried', (code, status) => {
    expect(kind(status, code)).toBe('retry');
  });

  it('goes by the HTTP status when there is no code', () => {
    expect(kind(400)).toBe('permanent');
    expect(kind(413)).toBe('permanent');
    expect(kind(422)).toBe('permanent');
    for (const status of [401, 403, 404, 408, 429, 500, 502, 503, 504]) {
      expect(kind(status)).toBe('retry');
    }
  });

  it('retries when no answer came (network, timeout, abort)', () => {
    expect(classifyFlushFailure({ status: 0, code: 'FETCH_ERROR', message: 'x' })).toEqual({
      kind: 'retry',
      reason: 'fetch_error',
      message: 'x',
    });
    expect(kind(0, 'TIMEOUT')).toBe('retry');
    expect(kind(0)).toBe('retry');
  });

  it('names the reason by its code, else by the status', () => {
    expect(classifyFlushFailure({ status: 400, code: '22P05', message: 'm' }).reason).toBe('22P05');
    expect(classifyFlushFailure({ status: 413, message: 'm' }).reason).toBe('http_413');
    expect(classifyFlushFailure({ status: 0, message: 'm' }).reason).toBe('network');
  });
});
