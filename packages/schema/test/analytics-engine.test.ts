import { describe, expect, it } from 'vitest';
import {
  AE_BLOBS,
  AE_BLOBS_V1,
  AE_DOUBLES,
  AE_DOUBLES_V1,
  AE_FORMAT_TAG,
  AE_LIMITS,
  AE_SCHEMA_VERSION,
  aeColumn,
  LIMITS,
  needsDataPoint,
  NO_MEASURES,
  toDataPoint,
  truncateUtf8,
  type EnrichedEvent,
  type PointSession,
} from '../src/index.js';
import { base, enrichment } from './fixtures.js';

const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;
const wide = (n: number) => '😀'.repeat(Math.floor(n / 2));

/** The largest event the wire allows, with four-byte characters wherever a string may be long. */
function maximalEvent(): EnrichedEvent {
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
  };
}

const session = (over: Partial<PointSession> = {}): PointSession => ({
  visitor: base().visitor,
  session: base().session,
  entryPage: '/landing',
  referrerHost: 'www.google.com',
  referrerClass: 'search',
  utmSource: 'newsletter',
  utmMedium: '',
  utmCampaign: '',
  country: 'DE',
  region: 'Berlin',
  city: 'Berlin',
  device: 'desktop',
  browser: 'Chrome',
  os: 'macOS',
  hour: Date.UTC(2026, 10, 28, 11),
  day: Date.UTC(2026, 10, 27, 23),
  ...over,
});

describe('Analytics Engine column map', () => {
  it('fills every column of format 2 and keeps format 1 within the platform counts', () => {
    expect(AE_BLOBS).toHaveLength(AE_LIMITS.blobs);
    expect(AE_DOUBLES).toHaveLength(AE_LIMITS.doubles);
    expect(AE_BLOBS_V1.length).toBeLessThanOrEqual(AE_LIMITS.blobs);
    expect(AE_DOUBLES_V1.length).toBeLessThanOrEqual(AE_LIMITS.doubles);
  });

  it('keeps the shared columns where format 1 had them, so queries of those read both formats', () => {
    for (const name of ['type', 'path', 'country', 'device', 'visitor', 'session', 'name'] as const)
      expect(AE_BLOBS.indexOf(name)).toBe(AE_BLOBS_V1.indexOf(name));
    for (const name of ['engaged_ms', 'lcp', 'inp', 'cls', 'ttfb', 'fcp', 'received_at'] as const)
      expect(AE_DOUBLES.indexOf(name)).toBe(AE_DOUBLES_V1.indexOf(name));
    // The version stays in double1: a reader tells the formats apart by it.
    expect(AE_DOUBLES[0]).toBe('format_version');
    expect(AE_DOUBLES_V1[0]).toBe('schema_version');
  });

  it('fits a maximal event within every Analytics Engine limit', () => {
    const point = toDataPoint(
      maximalEvent(),
      session({ entryPage: '/' + wide(1022) }),
      NO_MEASURES,
    );
    expect(point.blobs).toHaveLength(AE_BLOBS.length);
    expect(point.doubles).toHaveLength(AE_DOUBLES.length);
    expect(utf8(point.indexes[0])).toBeLessThanOrEqual(AE_LIMITS.indexBytes);
    const blobBytes = point.blobs.reduce((sum, b) => sum + utf8(b), 0);
    expect(blobBytes).toBeLessThanOrEqual(AE_LIMITS.blobBytes);
    expect(point.doubles.every(Number.isFinite)).toBe(true);
  });

  it("puts each field in its named column: the session's dimensions, the event's page", () => {
    const event: EnrichedEvent = {
      ...base(),
      ...enrichment,
      country: 'FR', // the event's own country: the point carries the session's
      type: 'heartbeat',
      engagedMs: 1234,
      scroll: 55,
      interactions: 7,
      final: true,
    };
    const point = toDataPoint(event, session(), {
      ...NO_MEASURES,
      engagedMs: 1234,
      bounces: -1,
      valueScore: 12.5,
    });
    const blob = (name: (typeof AE_BLOBS)[number]) => point.blobs[AE_BLOBS.indexOf(name)];
    const double = (name: (typeof AE_DOUBLES)[number]) => point.doubles[AE_DOUBLES.indexOf(name)];
    expect(point.indexes).toEqual(['demo']);
    expect(blob('format')).toBe(AE_FORMAT_TAG);
    expect(blob('type')).toBe('heartbeat');
    expect(blob('path')).toBe(event.url);
    expect(blob('entry_page')).toBe('/landing');
    expect(blob('country')).toBe('DE');
    expect(blob('visitor')).toBe(event.visitor);
    expect(blob('reserved_blob20')).toBe('');
    expect(double('format_version')).toBe(AE_SCHEMA_VERSION);
    expect(double('engaged_ms')).toBe(1234);
    expect(double('bounces')).toBe(-1);
    expect(double('value_score')).toBe(12.5);
    expect(double('session_hour')).toBe(Date.UTC(2026, 10, 28, 11));
    expect(double('session_day')).toBe(Date.UTC(2026, 10, 27, 23));
    expect(double('received_at')).toBe(enrichment.receivedAt);
    expect([17, 19, 20].map((n) => point.doubles[n - 1])).toEqual([0, 0, 0]);
  });

  it('names columns for SQL', () => {
    expect(aeColumn('path')).toBe('blob3');
    expect(aeColumn('entry_page')).toBe('blob19');
    expect(aeColumn('pageviews')).toBe('double4');
    expect(aeColumn('session_day')).toBe('double11');
  });

  it('writes a point for every event a report counts, and a heartbeat only when it moves a measure', () => {
    const e = { ...base(), ...enrichment };
    const beat = { ...e, type: 'heartbeat', engagedMs: 0, scroll: 0, interactions: 0 } as const;
    expect(needsDataPoint({ ...e, type: 'pageview' }, NO_MEASURES)).toBe(true);
    expect(needsDataPoint({ ...e, type: 'outbound', target: 'https://x.test/' }, NO_MEASURES)).toBe(
      true,
    );
    expect(needsDataPoint(beat, NO_MEASURES)).toBe(false);
    expect(needsDataPoint(beat, { ...NO_MEASURES, engagedMs: 5_000 })).toBe(true);
    expect(needsDataPoint(beat, { ...NO_MEASURES, visits: 1 })).toBe(true);
  });

  it('truncates on character boundaries', () => {
    expect(truncateUtf8('€€€', 7)).toBe('€€');
    expect(truncateUtf8('😀x', 3)).toBe('');
    expect(truncateUtf8('short', 96)).toBe('short');
  });
});
