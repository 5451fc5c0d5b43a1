import { describe, expect, it } from 'vitest';
import {
  AE_BLOBS,
  AE_DOUBLES,
  AE_LIMITS,
  LIMITS,
  toDataPoint,
  truncateUtf8,
  type EnrichedEvent,
} from '../src/index.js';
import { base, enrichment } from './fixtures.js';

const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;

/** The largest event the wire allows, with four-byte characters wherever a string may be long. */
function maximalEvent(): EnrichedEvent {
  const wide = (n: number) => '😀'.repeat(Math.floor(n / 2));
  return {
    ...base(),
    ...enrichment,
    site: 'x'.repeat(LIMITS.siteId),
    type: 'custom',
    url: '/' + wide(LIMITS.url - 1),
    referrer: wide(LIMITS.referrer),
    name: wide(LIMITS.eventName),
    props: Object.fromEntries(
      Array.from({ length: LIMITS.maxProps }, (_, i) => [
        `${i}`.padEnd(LIMITS.propKey, '😀'),
        wide(LIMITS.propValue),
      ]),
    ),
    language: wide(LIMITS.language),
    country: wide(64),
    region: wide(1024),
    city: wide(1024),
    browser: wide(1024),
    os: wide(1024),
    referrerHost: wide(1024),
    utmSource: wide(1024),
    utmMedium: wide(1024),
    utmCampaign: wide(1024),
  };
}

describe('Analytics Engine column map', () => {
  it('declares at most the platform column counts', () => {
    expect(AE_BLOBS.length).toBeLessThanOrEqual(AE_LIMITS.blobs);
    expect(AE_DOUBLES.length).toBeLessThanOrEqual(AE_LIMITS.doubles);
  });

  it('fits a maximal event within every Analytics Engine limit', () => {
    const point = toDataPoint(maximalEvent());
    expect(point.blobs).toHaveLength(AE_BLOBS.length);
    expect(point.doubles).toHaveLength(AE_DOUBLES.length);
    expect(utf8(point.indexes[0])).toBeLessThanOrEqual(AE_LIMITS.indexBytes);
    const blobBytes = point.blobs.reduce((sum, b) => sum + utf8(b), 0);
    expect(blobBytes).toBeLessThanOrEqual(AE_LIMITS.blobBytes);
    expect(point.doubles.every(Number.isFinite)).toBe(true);
  });

  it('puts each field in its named column', () => {
    const event: EnrichedEvent = {
      ...base(),
      ...enrichment,
      type: 'heartbeat',
      engagedMs: 1234,
      scroll: 55,
      interactions: 7,
      final: true,
    };
    const point = toDataPoint(event);
    const blob = (name: (typeof AE_BLOBS)[number]) => point.blobs[AE_BLOBS.indexOf(name)];
    const double = (name: (typeof AE_DOUBLES)[number]) => point.doubles[AE_DOUBLES.indexOf(name)];
    expect(point.indexes).toEqual(['demo']);
    expect(blob('type')).toBe('heartbeat');
    expect(blob('path')).toBe(event.url);
    expect(blob('country')).toBe('DE');
    expect(blob('visitor')).toBe(event.visitor);
    expect(double('engaged_ms')).toBe(1234);
    expect(double('scroll')).toBe(55);
    expect(double('final')).toBe(1);
    expect(double('latitude')).toBe(52.52);
    expect(double('has_geo')).toBe(1);
  });

  it('writes no NaN when geo is unknown', () => {
    const point = toDataPoint({
      ...base(),
      ...enrichment,
      type: 'pageview',
      latitude: null,
      longitude: null,
    });
    expect(point.doubles.every(Number.isFinite)).toBe(true);
    expect(point.doubles[AE_DOUBLES.indexOf('has_geo')]).toBe(0);
  });

  it('truncates on character boundaries', () => {
    expect(truncateUtf8('€€€', 7)).toBe('€€');
    expect(truncateUtf8('😀x', 3)).toBe('');
    expect(truncateUtf8('short', 96)).toBe('short');
  });
});
