/**
 * Exports written the way the peers write them, from their documentation (links in the
 * README): nothing binary is checked in.
 *
 * - Plausible: ClickHouse `CSVWithNames` (header and strings in double quotes, numbers bare,
 *   `\n` line ends), zipped by a streaming writer with stored entries and data descriptors
 *   (Plausible's `Zstream.entry(name, data, coder: Zstream.Coder.Stored)`).
 * - Umami: the `website_event` view of Umami's import guide, written by PostgreSQL's
 *   `\copy … WITH (FORMAT CSV, HEADER TRUE, FORCE_QUOTE *)` (every field quoted).
 */
import { writeZip, type ZipWriteEntry } from '../src/index.js';

export type Cell = string | number;

/** A ClickHouse CSVWithNames body. */
export function clickhouseCsv(header: string[], rows: Cell[][]): string {
  const cell = (c: Cell) => (typeof c === 'number' ? String(c) : `"${c.replaceAll('"', '""')}"`);
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** A PostgreSQL `FORCE_QUOTE *` CSV body. */
export function postgresCsv(header: string[], rows: Cell[][]): string {
  const cell = (c: Cell) => `"${String(c).replaceAll('"', '""')}"`;
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A zip as Plausible writes it (stored entries with data descriptors). */
export function plausibleZip(
  files: Record<string, string>,
  method: 'store' | 'deflate' = 'store',
): Promise<Uint8Array> {
  const entries: ZipWriteEntry[] = Object.entries(files).map(([name, data]) => ({ name, data }));
  return bytesOf(writeZip(entries, { method }));
}

export const RANGE = '20240101_20240102';

/** A small, consistent Plausible export over two days (the documented columns, newest layout). */
export function plausibleFiles(): Record<string, string> {
  return {
    [`imported_visitors_${RANGE}.csv`]: clickhouseCsv(
      ['date', 'visitors', 'pageviews', 'bounces', 'visits', 'visit_duration'],
      [
        ['2024-01-01', 119, 304, 77, 134, 21070],
        ['2024-01-02', 166, 325, 117, 180, 21467],
      ],
    ),
    [`imported_sources_${RANGE}.csv`]: clickhouseCsv(
      [
        'date',
        'source',
        'referrer',
        'utm_source',
        'utm_medium',
        'utm_campaign',
        'utm_content',
        'utm_term',
        'pageviews',
        'visitors',
        'visits',
        'visit_duration',
        'bounces',
      ],
      [
        ['2024-01-01', 'DuckDuckGo', 'duckduckgo.com', '', '', '', '', '', 2, 1, 1, 19, 0],
        [
          '2024-01-01',
          'support',
          'secure.helpscout.net',
          'support',
          'email',
          '',
          '',
          '',
          2,
          1,
          1,
          11,
          0,
        ],
        ['2024-01-01', 'GitHub', 'github.com', '', '', '', '', '', 3, 3, 3, 0, 3],
        [
          '2024-01-01',
          'GitHub',
          'github.com/4lejandrito/next-plausible',
          '',
          '',
          '',
          '',
          '',
          1,
          1,
          1,
          0,
          1,
        ],
        ['2024-01-01', 'Google', 'google.com', '', '', '', '', '', 70, 23, 25, 8249, 13],
        ['2024-01-02', '', '', '', '', '', '', '', 30, 20, 21, 500, 10],
      ],
    ),
    [`imported_pages_${RANGE}.csv`]: clickhouseCsv(
      [
        'date',
        'hostname',
        'page',
        'visits',
        'visitors',
        'pageviews',
        'total_scroll_depth',
        'total_scroll_depth_visits',
        'total_time_on_page',
        'total_time_on_page_visits',
      ],
      [
        ['2024-01-01', 'plausible.io', '/docs', 9, 8, 11, 400, 8, 120, 8],
        ['2024-01-01', 'www.plausible.io', '/docs', 1, 1, 1, 50, 1, 5, 1],
        ['2024-01-01', 'plausible.io', '/', 30, 28, 40, 0, 0, 300, 20],
        ['2024-01-02', 'plausible.io', '/docs', 3, 3, 3, 0, 0, 10, 3],
      ],
    ),
    [`imported_entry_pages_${RANGE}.csv`]: clickhouseCsv(
      ['date', 'entry_page', 'visitors', 'entrances', 'visit_duration', 'bounces', 'pageviews'],
      [
        ['2024-01-01', '/docs', 28, 29, 3573, 13, 64],
        ['2024-01-02', '/', 3, 3, 0, 3, 3],
      ],
    ),
    [`imported_exit_pages_${RANGE}.csv`]: clickhouseCsv(
      ['date', 'exit_page', 'visitors', 'visit_duration', 'exits', 'bounces', 'pageviews'],
      [
        ['2024-01-01', '/', 1, 8, 1, 0, 24],
        ['2024-01-01', '/docs', 14, 224, 14, 13, 23],
      ],
    ),
    [`imported_custom_events_${RANGE}.csv`]: clickhouseCsv(
      ['date', 'name', 'link_url', 'path', 'visitors', 'events'],
      [
        ['2024-01-01', 'Outbound Link: Click', 'https://one.example.com/', '', 1, 1],
        ['2024-01-01', 'Outbound Link: Click', 'https://two.example.com/', '', 2, 2],
        ['2024-01-01', '404', '', '/no-such-page', 1, 1],
        ['2024-01-01', 'Signup', '', '', 3, 3],
      ],
    ),
    [`imported_locations_${RANGE}.csv`]: clickhouseCsv(
      [
        'date',
        'country',
        'region',
        'city',
        'visitors',
        'visits',
        'visit_duration',
        'bounces',
        'pageviews',
      ],
      [
        ['2024-01-01', 'FR', 'FR-PAC', 3027647, 1, 1, 4, 0, 2],
        ['2024-01-01', 'DE', 'DE-BW', 2929831, 1, 2, 3132, 0, 13],
        ['2024-01-01', 'DE', 'DE-BY', 0, 2, 2, 10, 1, 3],
      ],
    ),
    [`imported_devices_${RANGE}.csv`]: clickhouseCsv(
      ['date', 'device', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews'],
      [
        ['2024-01-01', 'Mobile', 12, 13, 140, 10, 17],
        ['2024-01-01', 'Laptop', 19, 21, 3545, 11, 36],
        ['2024-01-01', 'Desktop', 89, 100, 17385, 56, 251],
      ],
    ),
    [`imported_browsers_${RANGE}.csv`]: clickhouseCsv(
      [
        'date',
        'browser',
        'browser_version',
        'visitors',
        'visits',
        'visit_duration',
        'bounces',
        'pageviews',
      ],
      [
        ['2024-01-01', 'Chrome', '109.0', 54, 60, 6627, 40, 128],
        ['2024-01-01', 'Chrome', '108.0', 2, 3, 47, 2, 6],
        ['2024-01-01', 'Microsoft Edge', '111.0', 1, 1, 987, 0, 3],
      ],
    ),
    [`imported_operating_systems_${RANGE}.csv`]: clickhouseCsv(
      [
        'date',
        'operating_system',
        'operating_system_version',
        'visitors',
        'visits',
        'visit_duration',
        'bounces',
        'pageviews',
      ],
      [
        ['2024-01-01', 'Mac', '10.14', 1, 1, 19, 0, 2],
        ['2024-01-01', 'GNU/Linux', '', 2, 2, 0, 2, 2],
        ['2024-01-01', '', '', 1, 1, 8, 0, 24],
      ],
    ),
  };
}

export const UMAMI_HEADER = [
  'website_id',
  'session_id',
  'visit_id',
  'event_id',
  'hostname',
  'browser',
  'os',
  'device',
  'screen',
  'language',
  'country',
  'subdivision1',
  'subdivision2',
  'city',
  'url_path',
  'url_query',
  'referrer_path',
  'referrer_query',
  'referrer_domain',
  'page_title',
  'event_type',
  'event_name',
  'created_at',
];

export interface UmamiEvent {
  session: string;
  visit: string;
  at: string;
  path: string;
  type?: 1 | 2 | 3;
  name?: string;
  referrer?: string;
  query?: string;
  country?: string;
  browser?: string;
}

/** Rows of Umami's import view (Umami 2.x layout: subdivision1, no UTM columns). */
export function umamiRows(events: UmamiEvent[]): Cell[][] {
  return events.map((e, i) => [
    '4fb7fa4c-5b46-438d-94b3-3a8fb9bc2e8b',
    e.session,
    e.visit,
    `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'example.com',
    e.browser ?? 'chrome',
    'Mac OS',
    'laptop',
    '1440x900',
    'en-US',
    e.country ?? 'DE',
    'DE-BE',
    '',
    'Berlin',
    e.path,
    e.query ?? '',
    '',
    '',
    e.referrer ?? '',
    'Title',
    e.type ?? 1,
    e.name ?? '',
    e.at,
  ]);
}
