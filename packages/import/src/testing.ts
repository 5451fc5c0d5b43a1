/**
 * A round-trip harness for Sightline's own CSV export: records → the export zip → records, and a
 * comparison that lists what differs. The Stats API's exporter can be tested with it by feeding
 * what its reports return (`@sightline/import/testing`).
 */
import { readExport } from './read-export.js';
import { writeSightlineExport, type SightlineRow } from './formats/sightline-write.js';
import type { SightlineManifest, SightlineReport } from './formats/sightline.js';
import type { ExportInput } from './bytes/input.js';
import type { ReadOptions } from './options.js';
import type { ImportRecord, ImportSummary, Measures } from './types.js';

/** The measures Sightline's export carries (visit duration is Plausible's and Umami's only). */
export const SIGHTLINE_MEASURES: readonly (keyof Measures)[] = [
  'visitors',
  'visits',
  'pageviews',
  'bounces',
  'engagedMs',
  'events',
];

/** Reads an export completely. */
export async function collect(
  input: ExportInput,
  options?: ReadOptions,
): Promise<{ records: ImportRecord[]; summary: ImportSummary }> {
  const reader = readExport(input, options);
  const records: ImportRecord[] = [];
  for await (const r of reader) records.push(r);
  return { records, summary: reader.summary! };
}

/** Records grouped into Sightline's reports, each in day order. */
export function toSightlineReports(
  records: readonly ImportRecord[],
): [SightlineReport, SightlineRow[]][] {
  const reports = new Map<SightlineReport, SightlineRow[]>();
  for (const r of records) {
    const report: SightlineReport = r.kind === 'total' ? 'totals' : r.dimension;
    let rows = reports.get(report);
    if (!rows) reports.set(report, (rows = []));
    rows.push(r.kind === 'total' ? { ...r, value: undefined } : r);
  }
  for (const rows of reports.values())
    rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return [...reports];
}

/** Writes records as Sightline's export and reads it back. */
export async function roundTrip(
  records: readonly ImportRecord[],
  manifest: Omit<SightlineManifest, 'format' | 'version'>,
): Promise<{ records: ImportRecord[]; summary: ImportSummary; differences: string[] }> {
  const zip = writeSightlineExport(manifest, toSightlineReports(records));
  const back = await collect(zip, { format: 'sightline' });
  return { ...back, differences: compareRecords(records, back.records) };
}

/** What differs between two sets of records (by key; measures compared as listed). */
export function compareRecords(
  expected: readonly ImportRecord[],
  actual: readonly ImportRecord[],
  measures: readonly (keyof Measures)[] = SIGHTLINE_MEASURES,
): string[] {
  const differences: string[] = [];
  const byKey = new Map(actual.map((r) => [r.key, r]));
  for (const e of expected) {
    const a = byKey.get(e.key);
    if (!a) {
      differences.push(`missing ${e.key}`);
      continue;
    }
    byKey.delete(e.key);
    for (const m of measures)
      if (e[m] !== a[m])
        differences.push(`${e.key} ${m}: expected ${String(e[m])}, got ${String(a[m])}`);
  }
  for (const key of byKey.keys()) differences.push(`unexpected ${key}`);
  return differences;
}

export type { SightlineRow };
