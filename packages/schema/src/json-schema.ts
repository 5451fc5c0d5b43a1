/**
 * The v1 batch as JSON Schema (draft 2020-12), for senders that do not use TypeScript.
 * A separate entry point so that importing the schema does not pay for the conversion.
 */
import { z } from 'zod';
import { Batch } from './events.js';

/** JSON Schema of one beacon batch. Documented in docs/event-schema.md. */
export const batchJsonSchema: Record<string, unknown> = z.toJSONSchema(Batch, {
  target: 'draft-2020-12',
});
