import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchJsonSchema } from '../src/json-schema.js';

describe('docs/event-schema.json', () => {
  it('is the JSON Schema the package exports (regenerate: see docs/event-schema.md)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../../docs/event-schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(batchJsonSchema);
  });
});
