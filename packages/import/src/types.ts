/**
 * What an export turns into: one record per local day for the site total, and one per day and
 * dimension value for each breakdown the export holds. A measure the export does not hold is
 * `null`, never 0.
 */
import type { Dimension } from '@sightline/schema/dimensions';

export type { Dimension };

/** The exports this package reads. */
export type ExportFormat = 'plausible' | 'umami' | 'sightline';

/** Additive daily measures, except `visitors` (unique visitors of that day). */
export interface Measures {
  /** Unique visitors that day. Where an export splits one Sightline value into several rows
   * (browser versions, sources with UTM tags, several hostnames), the rows' visitors are summed,
   * as Plausible does for imported data: an upper bound. */
  visitors: number | null;
  /** Visits (sessions) started that day. For entry and exit pages: entrances and exits. */
  visits: number | null;
  pageviews: number | null;
  /** Visits with exactly one page view. */
  bounces: number | null;
  /** Total visit duration (first to last event of each visit), milliseconds. */
  visitDurationMs: number | null;
  /** Total engaged time (time on page), milliseconds: Sightline's `engaged_ms`. */
  engagedMs: number | null;
  /** Custom events fired (`event` rows only). */
  events: number | null;
}

interface RecordBase extends Measures {
  /** Local day, `YYYY-MM-DD`, in the time zone the export was made in (see the summary). */
  day: string;
  /** Natural key, unique within an import: `JSON.stringify([day, dimension, value])`. */
  key: string;
  /** FNV-1a 64 (16 hex digits) of the record's key and measures: changes when they change. */
  hash: string;
}

/** The site's total of one day. */
export interface TotalRecord extends RecordBase {
  kind: 'total';
  dimension: '';
  value: '';
}

/** One value of one dimension on one day. */
export interface BreakdownRecord extends RecordBase {
  kind: 'breakdown';
  dimension: Dimension;
  /** The value as Sightline's reports hold it (mapped and capped to Sightline's limits). */
  value: string;
}

export type ImportRecord = TotalRecord | BreakdownRecord;

/** One file read from the input. */
export interface FileSummary {
  /** Path inside the zip, or the input's name. */
  name: string;
  /** What it held: a Plausible table (`imported_pages`), `website_event`, `totals`, a dimension. */
  table: string;
  /** Data rows read (the header not counted). */
  rows: number;
  /** Records emitted from it. */
  records: number;
  firstDay: string | null;
  lastDay: string | null;
  /** Columns of the header that this reader does not use (newer exports may add some). */
  ignoredColumns: string[];
}

/** What an import held, available once every record has been read. */
export interface ImportSummary {
  format: ExportFormat;
  /** SHA-256 (hex) of the records, independent of the order of files in the zip, of the zip's
   * compression and of the order of rows within a day: the same data gives the same hash. */
  contentHash: string;
  records: number;
  firstDay: string | null;
  lastDay: string | null;
  /** Dimensions with at least one record, and whether site totals were present. */
  dimensions: Dimension[];
  totals: boolean;
  /** The IANA zone the days are in, when the export says so (Sightline) or the reader chose it
   * (Umami's UTC timestamps, `options.timeZone`); null for Plausible (its site's own zone). */
  timeZone: string | null;
  files: FileSummary[];
  /** Entries of a zip that were not read: directories, `__MACOSX/`, dot files, non-CSV files. */
  skipped: string[];
}
