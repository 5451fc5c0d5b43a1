/**
 * The batch as JSON Schema (draft 2020-12), for senders that do not use TypeScript.
 * A separate entry point so that importing the schema does not pay for the conversion.
 */
import * as z from 'zod/mini';
import { Batch } from './events.js';
import { BatchV2 } from './events-v2.js';

const options = { target: 'draft-2020-12' } as const;

/** JSON Schema of one v1 batch (whole-word fields). */
export const batchV1JsonSchema: Record<string, unknown> = z.toJSONSchema(Batch, options);

/** JSON Schema of one v2 batch (compact: envelope plus positional events). */
export const batchV2JsonSchema: Record<string, unknown> = z.toJSONSchema(BatchV2, options);

/**
 * JSON Schema of one beacon batch, either version (`anyOf`, told apart by `v`). Documented in
 * docs/event-schema.md and committed as docs/event-schema.json.
 */
export const batchJsonSchema: Record<string, unknown> = z.toJSONSchema(
  z.union([Batch, BatchV2]),
  options,
);
