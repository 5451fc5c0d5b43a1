/**
 * Which part of each export feeds each Sightline dimension: the README's table as data, so a
 * screen can say which reports an import can fill (`null`: the export has no such data).
 */
import type { Dimension } from '@sightline/schema/dimensions';
import type { ExportFormat } from './types.js';

export type Source = string | null;

export const DIMENSION_SOURCES: Record<ExportFormat, Record<Dimension | 'total', Source>> = {
  plausible: {
    total: 'imported_visitors',
    page: 'imported_pages.page',
    entry_page: 'imported_entry_pages.entry_page',
    exit_page: 'imported_exit_pages.exit_page',
    referrer: 'imported_sources.referrer (host), else a host for the source name',
    referrer_class: 'imported_sources: referrer host and utm_medium, as the Worker classifies',
    country: 'imported_locations.country',
    region: 'imported_locations.region (ISO 3166-2 code, or regionName(code))',
    city: 'imported_locations.city (geonames:<id>, or cityName(id))',
    device: 'imported_devices.device',
    browser: 'imported_browsers.browser (versions summed)',
    os: 'imported_operating_systems.operating_system (versions summed)',
    utm_source: 'imported_sources.utm_source',
    utm_medium: 'imported_sources.utm_medium',
    utm_campaign: 'imported_sources.utm_campaign',
    utm_term: null,
    utm_content: null,
    click_id: null,
    event: 'imported_custom_events.name (link_url and path summed)',
  },
  umami: {
    total: 'website_event: visits started that day',
    page: 'website_event.url_path of page views',
    entry_page: "url_path of a visit's first event",
    exit_page: "url_path of a visit's last event",
    referrer: "referrer_domain of a visit's first event (own hostname: none)",
    referrer_class: 'referrer and UTM medium, as the Worker classifies',
    country: 'country',
    region: 'region (2.18+) or subdivision1: ISO 3166-2 code',
    city: 'city',
    device: 'device',
    browser: 'browser',
    os: 'os',
    utm_source: 'utm_source (2.18+) or url_query',
    utm_medium: 'utm_medium (2.18+) or url_query',
    utm_campaign: 'utm_campaign (2.18+) or url_query',
    utm_term: null,
    utm_content: null,
    click_id: null,
    event: 'event_name of custom events (event_type 2)',
  },
  sightline: {
    total: 'totals.csv',
    page: 'page.csv',
    entry_page: 'entry_page.csv',
    exit_page: 'exit_page.csv',
    referrer: 'referrer.csv',
    referrer_class: 'referrer_class.csv',
    country: 'country.csv',
    region: 'region.csv',
    city: 'city.csv',
    device: 'device.csv',
    browser: 'browser.csv',
    os: 'os.csv',
    utm_source: 'utm_source.csv',
    utm_medium: 'utm_medium.csv',
    utm_campaign: 'utm_campaign.csv',
    utm_term: 'utm_term.csv',
    utm_content: 'utm_content.csv',
    click_id: 'click_id.csv',
    event: 'event.csv',
  },
};
