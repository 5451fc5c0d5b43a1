import { describe, expect, it } from 'vitest';
import { batchJsonSchema } from '../src/json-schema.js';
import { MAX_EVENTS_PER_BATCH } from '../src/index.js';

describe('JSON Schema export', () => {
  it('describes the batch with its limits', () => {
    const schema = batchJsonSchema as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: { events: { maxItems: number; items: { oneOf?: unknown[]; anyOf?: unknown[] } } };
    };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.required).toEqual(expect.arrayContaining(['v', 'site', 'events']));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.events.maxItems).toBe(MAX_EVENTS_PER_BATCH);
    const kinds = schema.properties.events.items.oneOf ?? schema.properties.events.items.anyOf;
    expect(kinds).toHaveLength(6);
  });
});
