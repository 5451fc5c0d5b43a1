/**
 * Writes Sightline's CSV export (the format in formats/sightline.ts): one report's CSV, or the
 * whole zip with its manifest. Rows are streamed; the caller gives each report's rows in day
 * order, as the reports are queried.
 */
import { csvLine } from '../csv/format-csv.js';
import { writeZip, type ZipWriteEntry } from '../zip/write-zip.js';
import type { Measures } from '../types.js';
import {
  SIGHTLINE_FORMAT,
  SIGHTLINE_MANIFEST,
  SIGHTLINE_VERSION,
  sightlineHeader,
  type SightlineManifest,
  type SightlineReport,
} from './sightline.js';

/** One row of a report: a day, the value (not for `totals`) and its measures. */
export type SightlineRow = { day: string; value?: string } & Partial<Measures>;

/** The lines of one report's CSV, header first. */
export async function* sightlineCsv(
  report: SightlineReport,
  rows: Iterable<SightlineRow> | AsyncIterable<SightlineRow>,
): AsyncGenerator<string> {
  yield csvLine(sightlineHeader(report));
  for await (const r of rows) {
    const n = (v: number | null | undefined) => v ?? null;
    const key = report === 'totals' ? [] : [r.value ?? ''];
    const measures =
      report === 'event'
        ? [n(r.visitors), n(r.visits), n(r.events)]
        : [n(r.visitors), n(r.visits), n(r.pageviews), n(r.bounces), n(r.engagedMs)];
    yield csvLine([r.day, ...key, ...measures]);
  }
}

/**
 * The export zip: `sightline.json`, then one CSV per report given.
 * @example
 * const zip = writeSightlineExport({ site: 'demo', timeZone: 'UTC', from: '2024-01-01', to: '2024-01-31' },
 *   [['totals', totals], ['page', pages]]);
 */
export function writeSightlineExport(
  manifest: Omit<SightlineManifest, 'format' | 'version'>,
  reports: Iterable<[SightlineReport, Iterable<SightlineRow> | AsyncIterable<SightlineRow>]>,
): ReadableStream<Uint8Array> {
  const full: SightlineManifest = {
    format: SIGHTLINE_FORMAT,
    version: SIGHTLINE_VERSION,
    ...manifest,
  };
  function* entries(): Generator<ZipWriteEntry> {
    yield { name: SIGHTLINE_MANIFEST, data: `${JSON.stringify(full, null, 2)}\n` };
    for (const [report, rows] of reports)
      yield { name: `${report}.csv`, data: sightlineCsv(report, rows) };
  }
  return writeZip(entries());
}
