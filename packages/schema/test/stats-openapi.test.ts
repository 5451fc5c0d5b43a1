import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH, statsOpenApiText } from '../scripts/stats-openapi.js';

describe('docs/stats-api.openapi.json', () => {
  it('is generated from the current schemas (regenerate: pnpm --filter @sightline/schema openapi)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(statsOpenApiText());
  });
});
