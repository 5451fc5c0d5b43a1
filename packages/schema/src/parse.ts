/**
 * `parseBatch`: raw beacon body (or an already-parsed value) in, `{ data }` or `{ error }` out.
 * Never throws: the Worker maps `error.code` straight onto its HTTP answer.
 */
import type { z } from 'zod';
import { Batch } from './events.js';
import { MAX_BODY_BYTES } from './limits.js';

/** Why a batch was refused. Stable: senders may switch on it. */
export type BatchErrorCode = 'body_too_large' | 'invalid_json' | 'invalid_batch';

/** One problem with one field. `code` is Zod 4's issue code (`invalid_type`, `too_big`, …). */
export interface BatchIssue {
  code: string;
  /** Dotted path into the batch, e.g. `events.3.url`; empty for the batch itself. */
  path: string;
  message: string;
}

export interface BatchError {
  code: BatchErrorCode;
  message: string;
  issues: BatchIssue[];
}

export type ParseBatchResult = { data: Batch; error: null } | { data: null; error: BatchError };

/** Error responses stay small however broken the input is. */
const MAX_ISSUES = 20;

const encoder = new TextEncoder();

function byteLength(text: string): number {
  // UTF-8 needs at least one byte per UTF-16 unit and at most three: decide without encoding
  // when the answer is already certain.
  if (text.length > MAX_BODY_BYTES) return text.length;
  if (text.length * 3 <= MAX_BODY_BYTES) return text.length;
  return encoder.encode(text).byteLength;
}

function fail(code: BatchErrorCode, message: string, issues: BatchIssue[] = []): ParseBatchResult {
  return { data: null, error: { code, message, issues } };
}

function toIssues(issues: readonly z.core.$ZodIssue[]): BatchIssue[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => ({
    code: issue.code,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Validate a beacon batch.
 *
 * @param input - the raw request body (string or bytes, at most {@link MAX_BODY_BYTES}) or a
 *   value already parsed from JSON.
 * @example
 * const { data, error } = parseBatch(await request.text());
 * if (error) return c.json({ error }, error.code === 'body_too_large' ? 413 : 400);
 */
export function parseBatch(input: unknown): ParseBatchResult {
  let value = input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    if (input.byteLength > MAX_BODY_BYTES) {
      return fail('body_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    try {
      // fatal: invalid UTF-8 is refused, not silently turned into U+FFFD and stored.
      value = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return fail('invalid_json', 'body is not valid UTF-8');
    }
  }
  if (typeof value === 'string') {
    if (byteLength(value) > MAX_BODY_BYTES) {
      return fail('body_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return fail('invalid_json', 'body is not valid JSON');
    }
  }
  const result = Batch.safeParse(value);
  if (result.success) return { data: result.data, error: null };
  return fail('invalid_batch', 'batch does not match the v1 schema', toIssues(result.error.issues));
}
