import { describe, expectTypeOf, it } from 'vitest';
import type { Batch, Event, EventType, HeartbeatEvent, ParseBatchResult } from '../src/index.js';
import { parseBatch } from '../src/index.js';

describe('types', () => {
  it('narrows events by type', () => {
    expectTypeOf<EventType>().toEqualTypeOf<
      'pageview' | 'heartbeat' | 'custom' | 'outbound' | 'download' | 'vitals'
    >();
    expectTypeOf<Extract<Event, { type: 'heartbeat' }>>().toEqualTypeOf<HeartbeatEvent>();
    expectTypeOf<HeartbeatEvent['engagedMs']>().toEqualTypeOf<number>();
  });

  it('makes the result a discriminated union', () => {
    expectTypeOf(parseBatch).returns.toEqualTypeOf<ParseBatchResult>();
    const result = parseBatch({});
    if (result.error === null) expectTypeOf(result.data).toEqualTypeOf<Batch>();
    else expectTypeOf(result.data).toBeNull();
  });
});
