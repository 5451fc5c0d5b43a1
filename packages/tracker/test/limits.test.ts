/** The tracker's copied limits must equal the schema's: the schema is the source of truth. */
import * as schema from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import {
  COMPACT_WIRE_VERSION,
  LIMITS,
  MAX_BODY_BYTES,
  MAX_CLS,
  MAX_EVENTS_PER_BATCH,
  MAX_VITAL_MS,
} from '../src/limits.js';

describe('limits', () => {
  it('equal the schema exports', () => {
    expect(COMPACT_WIRE_VERSION).toBe(schema.COMPACT_WIRE_VERSION);
    expect(MAX_EVENTS_PER_BATCH).toBe(schema.MAX_EVENTS_PER_BATCH);
    expect(MAX_BODY_BYTES).toBe(schema.MAX_BODY_BYTES);
    for (const [key, value] of Object.entries(LIMITS)) {
      expect([key, value]).toEqual([key, schema.LIMITS[key as keyof typeof schema.LIMITS]]);
    }
  });

  it('vitals bounds are the schema’s (probed through the schema itself)', () => {
    const base = {
      type: 'vitals',
      id: 'event-id-1',
      ts: Date.UTC(2025, 0, 1),
      session: 'session-1',
      visitor: 'visitor-1',
      url: '/',
      storage: true,
    };
    const ok = (fields: object) => schema.Event.safeParse({ ...base, ...fields }).success;
    expect(ok({ lcp: MAX_VITAL_MS, cls: MAX_CLS })).toBe(true);
    expect(ok({ lcp: MAX_VITAL_MS + 1 })).toBe(false);
    expect(ok({ cls: MAX_CLS + 0.01 })).toBe(false);
  });
});
