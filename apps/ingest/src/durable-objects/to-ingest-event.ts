/** Maps an accepted, enriched event onto the `ingest_batch` payload's event row. */
import type { EnrichedEvent, IngestEvent } from '@sightline/schema';

/**
 * @example
 * batch.events.push(toIngestEvent(event));
 */
export function toIngestEvent(e: EnrichedEvent): IngestEvent {
  const hb = e.type === 'heartbeat' ? e : null;
  return {
    id: e.id,
    site_id: e.site,
    type: e.type,
    at: new Date(e.receivedAt).toISOString(),
    session_id: e.session,
    visitor_id: e.visitor,
    path: e.url,
    referrer_host: e.referrerHost,
    referrer_class: e.referrerClass,
    utm_source: e.utmSource,
    utm_medium: e.utmMedium,
    utm_campaign: e.utmCampaign,
    name:
      e.type === 'custom' ? e.name : e.type === 'outbound' || e.type === 'download' ? e.target : '',
    props: e.type === 'custom' ? (e.props ?? null) : null,
    engaged_ms: hb?.engagedMs ?? 0,
    scroll: hb?.scroll ?? 0,
    interactions: hb?.interactions ?? 0,
    country: e.country,
    region: e.region,
    city: e.city,
    latitude: e.latitude,
    longitude: e.longitude,
    device: e.device,
    browser: e.browser,
    os: e.os,
  };
}
