/**
 * Enrichment: wire events plus what the Worker knows about the request (geo from `request.cf`,
 * the parsed user agent, the language from Accept-Language when the event has none) and about
 * each event (referrer class, UTM parameters, click-id kind). Computed once per request for the
 * request-level facts, once per event for attribution. It is also where an event's URL becomes
 * its page: the query string is read for attribution, then dropped (page-url.ts), so nothing
 * downstream — Postgres, Analytics Engine, the live messages — ever sees it.
 */
import type { Batch, EnrichedEvent, Event } from '@sightline/schema';
import { geoOf } from './geo.js';
import { languageOf } from './language.js';
import { parseUserAgent } from './user-agent.js';
import { attribute } from './referrer.js';
import { bareTarget, pagePath } from './page-url.js';

/** The custom event `notFound()` sends, whose `path` prop is a URL too. */
const NOT_FOUND = '404';

/** The event with its URL (and any URL it carries) reduced to what may be kept. */
function withoutQuery(event: Event, allowed: ReadonlySet<string>): Event {
  const url = pagePath(event.url, allowed);
  if (event.type === 'outbound' || event.type === 'download')
    return { ...event, url, target: bareTarget(event.target) };
  if (event.type === 'custom' && event.name === NOT_FOUND) {
    const path = event.props?.path;
    if (typeof path === 'string' && path.startsWith('/'))
      return { ...event, url, props: { ...event.props, path: pagePath(path, allowed) } };
  }
  return { ...event, url };
}

/**
 * @example
 * const events = enrich(batch, c.req.raw, { development: true, origin: 'https://example.com' });
 */
export function enrich(
  batch: Batch,
  request: Request,
  options: {
    development: boolean;
    origin: string | null;
    now?: number;
    /** Query parameters the site keeps in its page paths (`sites.allowed_query_params`). */
    allowedQueryParams?: readonly string[];
  },
): EnrichedEvent[] {
  const receivedAt = options.now ?? Date.now();
  const geo = geoOf(request, options.development);
  const ua = parseUserAgent(request.headers.get('user-agent'));
  const language = languageOf(request.headers.get('accept-language'));
  const allowed = new Set(options.allowedQueryParams ?? []);
  let pageHost = '';
  try {
    if (options.origin) pageHost = new URL(options.origin).hostname;
  } catch {
    pageHost = '';
  }
  return batch.events.map((event) => ({
    ...(language && { language }),
    ...withoutQuery(event, allowed),
    site: batch.site,
    receivedAt,
    ...geo,
    ...ua,
    ...attribute(event.url, event.referrer, pageHost),
  }));
}
