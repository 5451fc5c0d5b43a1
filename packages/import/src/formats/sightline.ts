/**
 * Sightline's own CSV export: one CSV per report, daily, in a zip with a manifest first.
 *
 *   sightline.json   {"format":"sightline-export","version":1,"site":"…","timeZone":"Europe/Berlin","from":"2024-01-01","to":"2024-03-31"}
 *   totals.csv       date,visitors,visits,pageviews,bounces,engaged_ms
 *   <dimension>.csv  date,<dimension>,visitors,visits,pageviews,bounces,engaged_ms
 *   event.csv        date,event,visitors,visits,events
 *
 * An empty measure field means "not measured". The reader takes loose files too (a header that
 * is exactly one of the above names the report).
 */
import { DIMENSIONS, isDimension, type Dimension } from '@sightline/schema/dimensions';
import { ImportError } from '../errors.js';
import type { TableSpec } from '../table-reader.js';
import { CAPS } from '../normalize.js';
import { cap, parseDay } from '../values.js';

export const SIGHTLINE_MANIFEST = 'sightline.json';
export const SIGHTLINE_FORMAT = 'sightline-export';
export const SIGHTLINE_VERSION = 1;

export interface SightlineManifest {
  format: typeof SIGHTLINE_FORMAT;
  version: typeof SIGHTLINE_VERSION;
  /** The site the export was made from. */
  site: string;
  /** The IANA zone its days are in. */
  timeZone: string;
  /** First and last day, inclusive. */
  from: string;
  to: string;
}

/** The report a Sightline export file holds: 'totals' or a dimension. */
export type SightlineReport = 'totals' | Dimension;

export const SIGHTLINE_REPORTS: readonly SightlineReport[] = ['totals', ...DIMENSIONS];

const MEASURES = ['visitors', 'visits', 'pageviews', 'bounces', 'engaged_ms'];
const EVENT_MEASURES = ['visitors', 'visits', 'events'];

/** The header of a report's CSV. */
export function sightlineHeader(report: SightlineReport): string[] {
  if (report === 'totals') return ['date', ...MEASURES];
  return ['date', report, ...(report === 'event' ? EVENT_MEASURES : MEASURES)];
}

/** The report a file holds, from its name (in a zip) or its header (a loose file). */
export function sightlineReport(name: string, header?: string[]): SightlineReport | null {
  const base = name.slice(name.lastIndexOf('/') + 1).replace(/\.csv$/, '');
  if (base === 'totals' || isDimension(base)) return base;
  if (header) {
    const joined = header.join(',');
    return SIGHTLINE_REPORTS.find((r) => sightlineHeader(r).join(',') === joined) ?? null;
  }
  return null;
}

export function parseManifest(text: string, file: string): SightlineManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ImportError('invalid_manifest', 'the manifest is not JSON', { file }, { cause });
  }
  const m = value as Partial<SightlineManifest> | null;
  const fail = (why: string) => new ImportError('invalid_manifest', why, { file });
  if (!m || typeof m !== 'object' || m.format !== SIGHTLINE_FORMAT)
    throw fail(`format is not "${SIGHTLINE_FORMAT}"`);
  if (m.version !== SIGHTLINE_VERSION)
    throw new ImportError(
      'unsupported_export',
      `Sightline export version ${String(m.version)}; this reader knows version ${SIGHTLINE_VERSION}`,
      { file },
    );
  if (typeof m.site !== 'string' || typeof m.timeZone !== 'string')
    throw fail('site and timeZone must be strings');
  try {
    parseDay(String(m.from));
    parseDay(String(m.to));
  } catch (cause) {
    throw new ImportError(
      'invalid_manifest',
      'from and to must be days (YYYY-MM-DD)',
      { file },
      { cause },
    );
  }
  if (m.from! > m.to!) throw fail('from is after to');
  return m as SightlineManifest;
}

const col = (name: string) => ({ name, required: true });

/** The longest value Sightline keeps for a dimension, as the other formats are capped. */
function capOf(dimension: Dimension): number {
  if (dimension === 'page' || dimension === 'entry_page' || dimension === 'exit_page')
    return CAPS.page;
  if (dimension === 'referrer') return CAPS.referrer;
  if (dimension === 'event') return CAPS.event;
  if (dimension === 'country' || dimension === 'region' || dimension === 'city') return CAPS.geo;
  if (dimension.startsWith('utm_')) return CAPS.utm;
  return CAPS.name;
}

export function sightlineSpec(report: SightlineReport): TableSpec {
  const measures = (report === 'event' ? EVENT_MEASURES : MEASURES).map(col);
  return {
    table: report,
    keys: report === 'totals' ? [] : [col(report)],
    measures,
    nullable: report === 'event' ? EVENT_MEASURES : MEASURES,
    contribute(row, add) {
      if (report === 'event') {
        // A value longer than Sightline keeps (an export edited by hand) is capped as the
        // other formats' values are.
        add('event', cap(row.text('event'), CAPS.event), {
          visitors: row.count('visitors'),
          visits: row.count('visits'),
          events: row.count('events'),
        });
        return;
      }
      const m = {
        visitors: row.count('visitors'),
        visits: row.count('visits'),
        pageviews: row.count('pageviews'),
        bounces: row.count('bounces'),
        engagedMs: row.count('engaged_ms'),
      };
      if (report === 'totals') add('', '', m);
      else add(report, cap(row.text(report), capOf(report)), m);
    },
  };
}
