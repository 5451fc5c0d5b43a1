/**
 * Umami's raw events: the `website_event` CSV Umami Cloud's data export produces (gzip) and that
 * its import guide has self-hosters write with `\copy` / `SELECT … INTO OUTFILE` (events joined
 * with their session's columns). One row per event; columns by name, so the layouts of Umami
 * 2.x (`subdivision1`, no UTM columns) and 2.18+/3.x (`region`, `utm_*`, `hostname`) both read.
 * Page views (event_type 1) and custom events (2) count; link, pixel and performance events do
 * not belong to a website's traffic and are skipped.
 */
import { classifyReferrer } from '@sightline/schema/dimensions';
import { ImportError, type ImportErrorLocation } from '../errors.js';
import type { Aggregate } from '../day-table.js';
import { browser, CAPS, country, device, os, referrerHost } from '../normalize.js';
import { cap, parseTimestamp } from '../values.js';
import { VisitAggregator, type VisitDimensions, type VisitLimits } from './umami-visits.js';

const REQUIRED = ['session_id', 'created_at', 'url_path', 'event_type'];
const USED = [
  ...REQUIRED,
  'visit_id',
  'event_name',
  'url_query',
  'referrer_domain',
  'hostname',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'browser',
  'os',
  'device',
  'country',
  'region',
  'subdivision1',
  'city',
];
const KNOWN_UNUSED = new Set([
  'website_id',
  'event_id',
  'referrer_path',
  'referrer_query',
  'page_title',
  'utm_content',
  'utm_term',
  'screen',
  'language',
  'subdivision2',
  'gclid',
  'fbclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
  'tag',
  'distinct_id',
  'job_id',
  'lcp',
  'inp',
  'cls',
  'fcp',
  'ttfb',
]);

/** Whether a header is Umami's event export. */
export const isUmamiHeader = (header: string[]): boolean =>
  REQUIRED.every((c) => header.includes(c));

const HOUR = 3_600_000;

export class UmamiReader {
  rows = 0;
  skippedEvents = 0;
  ignoredColumns: string[] = [];
  private index = new Map<string, number>();
  private headerLength = 0;
  private fields: string[] = [];
  private line = 0;
  private readonly visits: VisitAggregator;

  constructor(
    private readonly file: string,
    limits: VisitLimits,
    dayOf: (ms: number) => string,
  ) {
    this.visits = new VisitAggregator(limits, dayOf);
  }

  header(fields: string[], line: number): void {
    fields.forEach((name, i) => {
      if (this.index.has(name))
        throw new ImportError('duplicate_column', `the column ${name} appears twice`, {
          file: this.file,
          line,
          column: i + 1,
          columnName: name,
        });
      this.index.set(name, i);
    });
    this.headerLength = fields.length;
    const missing = REQUIRED.filter((c) => !this.index.has(c));
    if (missing.length)
      throw new ImportError(
        'missing_column',
        `the header lacks ${missing.join(', ')} (Umami's events have ${REQUIRED.join(', ')})`,
        { file: this.file, line },
      );
    this.ignoredColumns = fields.filter((c) => !USED.includes(c) && !KNOWN_UNUSED.has(c));
  }

  /** Reads one event. */
  row(fields: string[], line: number): void {
    this.rows++;
    this.fields = fields;
    this.line = line;
    if (fields.length !== this.headerLength)
      throw new ImportError(
        'field_count',
        `${fields.length} fields where the header has ${this.headerLength}`,
        { file: this.file, line },
      );
    const type = this.text('event_type');
    if (type !== '1' && type !== '2') {
      if (!/^\d+$/.test(type))
        throw new ImportError(
          'invalid_value',
          `event_type must be a number, not ${JSON.stringify(type)}`,
          this.location('event_type'),
        );
      this.skippedEvents++;
      return;
    }
    let at: number;
    try {
      at = parseTimestamp(this.text('created_at'));
    } catch (error) {
      throw error instanceof ImportError ? error.at(this.location('created_at')) : error;
    }
    if (this.visits.late(at))
      throw new ImportError(
        'events_out_of_order',
        `an event of ${new Date(at).toISOString()} after one of ${new Date(this.visits.watermark).toISOString()}: the export must be in time order (sort it by created_at)`,
        this.location('created_at'),
      );
    this.visits.advance(at);
    const session = this.text('session_id');
    if (!session)
      throw new ImportError(
        'invalid_value',
        'an event without session_id',
        this.location('session_id'),
      );
    const key = this.text('visit_id') || `${session}\u0000${Math.floor(at / HOUR)}`;
    const path = cap(this.text('url_path'), CAPS.page);
    const v = this.visits.touch(key, at, () => ({
      session,
      entry: path,
      exit: path,
      exitAt: -Infinity,
      pageviews: 0,
      pages: new Map(),
      events: new Map(),
      dims: this.dimensions(),
    }));
    if (at < v.start) {
      v.start = at;
      v.entry = path;
      v.dims = this.dimensions();
    }
    if (at >= v.last) v.last = at;
    if (type === '1') {
      // The exit page is the last page viewed (custom events do not move it).
      if (at >= v.exitAt) {
        v.exitAt = at;
        v.exit = path;
      }
      v.pageviews++;
      v.pages.set(path, (v.pages.get(path) ?? 0) + 1);
    } else {
      const name = cap(this.text('event_name'), CAPS.event);
      v.events.set(name, (v.events.get(name) ?? 0) + 1);
    }
  }

  /** Days that are complete. */
  collect(): { day: string; aggregates: Aggregate[] }[] {
    return this.visits.collect();
  }

  end(): { day: string; aggregates: Aggregate[] }[] {
    return this.visits.collect(true);
  }

  /** The visit-level dimensions of the current event. */
  private dimensions(): VisitDimensions {
    const host = referrerHost(this.text('referrer_domain'));
    const own = referrerHost(this.text('hostname'));
    const referrer = host && own && (host === own || host.endsWith(`.${own}`)) ? '' : host;
    const query = this.index.has('utm_source') ? null : new URLSearchParams(this.text('url_query'));
    const utm = (name: string) =>
      cap(query ? (query.get(`utm_${name}`) ?? '') : this.text(`utm_${name}`), CAPS.utm);
    const utmSource = utm('source');
    const utmMedium = utm('medium');
    const utmCampaign = utm('campaign');
    const code = country(this.text('country'));
    return {
      referrer,
      referrer_class: classifyReferrer(referrer, utmMedium, Boolean(utmSource || utmCampaign)),
      utm_source: utmSource,
      utm_medium: utmMedium,
      utm_campaign: utmCampaign,
      country: code,
      region: cap(this.text('region') || this.text('subdivision1'), CAPS.geo),
      city: cap(this.text('city'), CAPS.geo),
      device: device(this.text('device')),
      browser: browser(this.text('browser')),
      os: os(this.text('os')),
    };
  }

  private text(name: string): string {
    const i = this.index.get(name);
    return i === undefined ? '' : this.fields[i]!;
  }

  private location(name: string): ImportErrorLocation {
    const i = this.index.get(name);
    return {
      file: this.file,
      line: this.line,
      ...(i !== undefined && { column: i + 1, columnName: name }),
    };
  }
}
