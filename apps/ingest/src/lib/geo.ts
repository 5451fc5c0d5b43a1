/**
 * Geo from `request.cf` (Cloudflare's own IP geolocation; no external API, no IP kept).
 * Local runtimes have no real `request.cf`, so development accepts an override: the header
 * `x-sightline-dev-geo` or the query parameter `dev_geo` (beacons cannot set headers), holding
 * JSON like `{"country":"DE","city":"Berlin","latitude":52.52,"longitude":13.4}`. The override
 * is ignored unless ENVIRONMENT is 'development'.
 */

import { cleanText, type Enrichment } from '@sightline/schema';

/** The geo part of the schema's `Enrichment` (one definition of these fields, not two). */
export type Geo = Pick<
  Enrichment,
  'country' | 'region' | 'city' | 'latitude' | 'longitude' | 'geoTimeZone' | 'colo'
>;

export const DEV_GEO_HEADER = 'x-sightline-dev-geo';
export const DEV_GEO_QUERY = 'dev_geo';

/** Storable text cut to `max` (request.cf is trusted, the development override is not). */
const str = (value: unknown, max = 128): string =>
  typeof value === 'string' ? cleanText(value, max) : '';

function coordinate(value: unknown, limit: number): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
}

function fromRecord(cf: Record<string, unknown>): Geo {
  const country = str(cf.country, 2).toUpperCase();
  return {
    // 'T1' is Cloudflare's code for Tor; 'XX' for unknown.
    country: /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? country : '',
    region: str(cf.region),
    city: str(cf.city),
    latitude: coordinate(cf.latitude, 90),
    longitude: coordinate(cf.longitude, 180),
    geoTimeZone: str(cf.timezone ?? cf.geoTimeZone, 64),
    colo: str(cf.colo, 8),
  };
}

function parseOverride(text: string | null | undefined): Record<string, unknown> | null {
  if (!text || text.length > 1024) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * @example
 * geoOf(c.req.raw, env.ENVIRONMENT === 'development')
 */
export function geoOf(request: Request, development: boolean): Geo {
  const cf = (request.cf ?? {}) as Record<string, unknown>;
  if (development) {
    const override =
      parseOverride(request.headers.get(DEV_GEO_HEADER)) ??
      parseOverride(new URL(request.url).searchParams.get(DEV_GEO_QUERY));
    if (override) return fromRecord({ colo: cf.colo, ...override });
  }
  return fromRecord(cf);
}
