/**
 * `parseBatch`: raw beacon body (or an already-parsed value) in, `{ data }` or `{ error }` out.
 * Accepts wire format v1 and v2 and always returns the canonical v1 batch. Never throws: the
 * Worker maps `error.code` straight onto its HTTP answer.
 */
import type * as z from 'zod/mini';
import { Batch } from './events.js';
import { BatchV2Envelope, expandBatchV2, KINDS_V2, type BatchV2 } from './events-v2.js';
import { COMPACT_WIRE_VERSION, MAX_BODY_BYTES } from './limits.js';

/** Why a batch was refused. Stable: senders may switch on it. */
export type BatchErrorCode = 'body_too_large' | 'invalid_json' | 'invalid_batch';

/** One problem with one field. `code` is Zod 4's issue code (`invalid_type`, `too_big`, …). */
export interface BatchIssue {
  code: string;
  /**
   * Dotted path into the batch as sent, e.g. `events.3.url` (v1) or `e.3.3` (v2: the fourth
   * event's url position); empty for the batch itself.
   */
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
/** fatal: invalid UTF-8 is refused, not silently turned into U+FFFD and stored. One per module:
 * a decoder without `stream` keeps no state between calls. */
const decoder = new TextDecoder('utf-8', { fatal: true });

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

type Issue = Pick<z.core.$ZodIssue, 'code' | 'path' | 'message'>;

function toIssues(issues: readonly Issue[]): BatchIssue[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => ({
    code: issue.code,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

const TYPE_CODES = `Expected ${KINDS_V2.map((_, code) => code).join(' | ')}`;

/** v2: the envelope, then each event against the schema of its type code. */
function parseV2(value: unknown): ParseBatchResult {
  const envelope = BatchV2Envelope.safeParse(value);
  const issues: Issue[] = envelope.error ? [...envelope.error.issues] : [];
  const raw = (value as { e?: unknown }).e;
  const events: unknown[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((event: unknown, i) => {
      if (!Array.isArray(event)) return; // reported by the envelope
      const code: unknown = event[0];
      const kind = typeof code === 'number' ? KINDS_V2[code] : undefined;
      if (!kind) {
        issues.push({
          code: 'invalid_union',
          path: ['e', i, 0],
          message: `Invalid event type code: ${TYPE_CODES}`,
        });
        return;
      }
      const result = kind[1].safeParse(event);
      if (result.success) events.push(result.data);
      else
        for (const issue of result.error.issues)
          issues.push({ ...issue, path: ['e', i, ...issue.path] });
    });
  }
  if (issues.length || !envelope.data) {
    return fail('invalid_batch', 'batch does not match the v2 schema', toIssues(issues));
  }
  return { data: expandBatchV2({ ...envelope.data, e: events } as BatchV2), error: null };
}

/**
 * Validate a beacon batch, v1 or v2 (chosen by its `v`), and return it as the canonical v1
 * batch: a v2 batch is expanded (see {@link expandBatchV2}).
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
      value = decoder.decode(input);
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
  if ((value as { v?: unknown } | null)?.v === COMPACT_WIRE_VERSION) return parseV2(value);
  const result = Batch.safeParse(value);
  if (result.success) return { data: result.data, error: null };
  return fail('invalid_batch', 'batch does not match the v1 schema', toIssues(result.error.issues));
}
