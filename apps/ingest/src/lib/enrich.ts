/**
 * Enrichment: wire events plus what the Worker knows about the request (geo from `request.cf`,
 * the parsed user agent, the language from Accept-Language when the event has none) and about
 * each event (referrer class, UTM parameters). Computed once per request for the request-level
 * facts, once per event for attribution.
 */
import type { Batch, EnrichedEvent } from '@sightline/schema';
import { geoOf } from './geo.js';
import { languageOf } from './language.js';
import { parseUserAgent } from './user-agent.js';
import { attribute } from './referrer.js';

/**
 * @example
 * const events = enrich(batch, c.req.raw, { development: true, origin: 'https://example.com' });
 */
export function enrich(
  batch: Batch,
  request: Request,
  options: { development: boolean; origin: string | null; now?: number },
): EnrichedEvent[] {
  const receivedAt = options.now ?? Date.now();
  const geo = geoOf(request, options.development);
  const ua = parseUserAgent(request.headers.get('user-agent'));
  const language = languageOf(request.headers.get('accept-language'));
  let pageHost = '';
  try {
    if (options.origin) pageHost = new URL(options.origin).hostname;
  } catch {
    pageHost = '';
  }
  return batch.events.map((event) => ({
    ...(language && { language }),
    ...event,
    site: batch.site,
    receivedAt,
    ...geo,
    ...ua,
    ...attribute(event.url, event.referrer, pageHost),
  }));
}
