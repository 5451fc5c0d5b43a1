/** Options of `readExport`, and the bounds that keep memory and time in check. */
import type { ExportFormat } from './types.js';

export interface ReadLimits {
  /** Longest CSV field, in characters (64 KiB). */
  maxFieldLength: number;
  /** Most fields in a row (256). */
  maxColumns: number;
  /** Largest uncompressed zip entry, in bytes (16 GiB). */
  maxEntryBytes: number;
  /** Most rows for one day in one file of an aggregated export (1,000,000). */
  maxRowsPerDay: number;
  /** Umami: most (visitor, value) pairs of one day held for exact unique visitors (5,000,000). */
  maxDayEntries: number;
  /** Umami: most visits open at once (1,000,000). */
  maxOpenVisits: number;
  /** Umami: how far out of time order an event may come, in ms (2 hours: Umami's ClickHouse
   * orders its events by the hour). */
  latenessMs: number;
  /** Umami: the gap after which a visit's next event cannot come (30 minutes, Umami's visit). */
  visitGapMs: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFieldLength: 65_536,
  maxColumns: 256,
  maxEntryBytes: 16 * 2 ** 30,
  maxRowsPerDay: 1_000_000,
  maxDayEntries: 5_000_000,
  maxOpenVisits: 1_000_000,
  latenessMs: 2 * 3_600_000,
  visitGapMs: 30 * 60_000,
};

export interface ReadOptions {
  /** The input's file name (a `File` carries its own): how a loose CSV or `.csv.gz` is named in
   * errors, and for Plausible's tables, which table it is. */
  name?: string;
  /** Expect this format; another is refused with `mixed_formats`. */
  format?: ExportFormat;
  /** Umami's timestamps are UTC: the IANA zone whose days they are counted in (the Sightline
   * site's zone). Default `UTC`. */
  timeZone?: string;
  /** A repeated row (same day and keys) is refused (`error`, the default) or summed (`sum`,
   * which is what Plausible's own importer does). */
  duplicates?: 'error' | 'sum';
  /** Names for Plausible's region codes and city ids (see the README). */
  regionName?: (code: string) => string | undefined;
  cityName?: (geonameId: number, country: string) => string | undefined;
  limits?: Partial<ReadLimits>;
  signal?: AbortSignal;
}
