import { describe, expect, it } from 'vitest';
import { batchJsonSchema, batchV1JsonSchema, batchV2JsonSchema } from '../src/json-schema.js';
import { MAX_EVENTS_PER_BATCH } from '../src/index.js';

interface ObjectSchema {
  required: string[];
  additionalProperties: boolean;
  properties: Record<
    string,
    { maxItems?: number; items?: { oneOf?: unknown[]; anyOf?: unknown[] } }
  >;
}

describe('JSON Schema export', () => {
  it('describes the v1 batch with its limits', () => {
    const schema = batchV1JsonSchema as unknown as ObjectSchema & { $schema: string };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.required).toEqual(expect.arrayContaining(['v', 'site', 'events']));
    expect(schema.additionalProperties).toBe(false);
    const events = schema.properties.events!;
    expect(events.maxItems).toBe(MAX_EVENTS_PER_BATCH);
    expect(events.items?.oneOf ?? events.items?.anyOf).toHaveLength(6);
  });

  it('describes the v2 batch: envelope and six positional event kinds', () => {
    const schema = batchV2JsonSchema as unknown as ObjectSchema;
    expect(schema.required).toEqual(expect.arrayContaining(['v', 's', 'i', 'u', 'k', 'p', 'e']));
    expect(schema.additionalProperties).toBe(false);
    const events = schema.properties.e!;
    expect(events.maxItems).toBe(MAX_EVENTS_PER_BATCH);
    const kinds = (events.items?.anyOf ?? events.items?.oneOf) as {
      prefixItems: { const?: number }[];
      items: boolean;
    }[];
    expect(kinds.map((kind) => kind.prefixItems[0]!.const)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(kinds.every((kind) => kind.items === false)).toBe(true);
  });

  it('the published schema accepts either version', () => {
    const schema = batchJsonSchema as { anyOf: unknown[]; $schema: string };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.anyOf).toHaveLength(2);
  });
});
