/** Maps an accepted, enriched event onto the `ingest_batch` payload's event row. */
import type { EnrichedEvent, IngestEvent } from '@sightline/schema';

/**
 * @example
 * batch.events.push(toIngestEvent(event));
 */
export function toIngestEvent(e: EnrichedEvent): IngestEvent {
  const hb = e.type === 'heartbeat' ? e : null;
  const row: IngestEvent = {
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
    // null: not measured (the tracker's core build), or not a heartbeat.
    scroll: hb?.scroll ?? null,
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
  if (e.type === 'custom' && e.revenue) row.revenue = { ...e.revenue };
  if (e.type === 'vitals')
    row.vitals = {
      lcp: e.lcp ?? null,
      inp: e.inp ?? null,
      cls: e.cls ?? null,
      ttfb: e.ttfb ?? null,
      fcp: e.fcp ?? null,
    };
  return row;
}
