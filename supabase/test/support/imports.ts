// Exports for the import tests, written as their producers write them (nothing binary is
// checked in), and the import client pointed at a test stack.
import { writeSightlineExport, writeZip } from '@sightline/import';
import type { ImportResult, ImportTarget } from '../../src/import-export.js';
import { importExport } from '../../src/import-export.js';
import type { TestStack, TestUser } from './stack.js';

type Cell = string | number;

/** A ClickHouse CSVWithNames body (Plausible's export): strings quoted, numbers bare. */
export function clickhouseCsv(header: string[], rows: Cell[][]): string {
  const cell = (c: Cell) => (typeof c === 'number' ? String(c) : `"${c.replaceAll('"', '""')}"`);
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export async function zipOf(files: Record<string, string>): Promise<Uint8Array> {
  const stream = writeZip(
    Object.entries(files).map(([name, data]) => ({ name, data })),
    { method: 'store' },
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A Plausible export (Settings → Imports & Exports → Export to CSV) of `days` (YYYY-MM-DD,
 * consecutive): per day 100 visitors, 120 visits, 300 page views, 60 bounces, 6,000 s of visit
 * duration, and the pages /docs (40 visitors, 90 page views) and /pricing (10, 12).
 */
export function plausibleFiles(days: string[], scale = 1): Record<string, string> {
  const range = `${days[0]!.replaceAll('-', '')}_${days.at(-1)!.replaceAll('-', '')}`;
  return {
    [`imported_visitors_${range}.csv`]: clickhouseCsv(
      ['date', 'visitors', 'pageviews', 'bounces', 'visits', 'visit_duration'],
      days.map((d) => [d, 100 * scale, 300 * scale, 60 * scale, 120 * scale, 6000 * scale]),
    ),
    [`imported_pages_${range}.csv`]: clickhouseCsv(
      ['date', 'hostname', 'page', 'visits', 'visitors', 'pageviews', 'total_time_on_page'],
      days.flatMap((d) => [
        [d, 'example.com', '/docs', 45 * scale, 40 * scale, 90 * scale, 900 * scale],
        [d, 'example.com', '/pricing', 11 * scale, 10 * scale, 12 * scale, 60 * scale],
      ]),
    ),
    [`imported_locations_${range}.csv`]: clickhouseCsv(
      ['date', 'country', 'region', 'city', 'visitors', 'visits', 'visit_duration', 'bounces'],
      days.map((d) => [d, 'DE', 'DE-BY', 0, 30 * scale, 35 * scale, 1000 * scale, 10 * scale]),
    ),
  };
}

export const serviceTarget = (t: TestStack): ImportTarget => ({
  url: t.stack.url,
  apiKey: t.stack.secretKey,
});

export const userTarget = (t: TestStack, user: TestUser): ImportTarget => ({
  url: t.stack.url,
  apiKey: t.stack.publishableKey,
  token: user.token,
});

export function importBytes(
  target: ImportTarget,
  site: string,
  bytes: Uint8Array,
  name = 'plausible_export.zip',
): Promise<ImportResult> {
  return importExport(target, { input: bytes, name, site });
}

/** Sightline's own export of one day's site total and pages (value → visits). */
export function sightlineExportOf(day: string, pages: [string, number][]): Promise<Uint8Array> {
  const stream = writeSightlineExport({ site: 'elsewhere', timeZone: 'UTC', from: day, to: day }, [
    ['totals', [{ day, visitors: 50, visits: 60, pageviews: 70, bounces: 5, engagedMs: 1000 }]],
    [
      'page',
      pages.map(([value, visits]) => ({
        day,
        value,
        visitors: visits,
        visits,
        pageviews: visits,
        bounces: 0,
        engagedMs: 0,
      })),
    ],
  ]);
  return new Response(stream).arrayBuffer().then((b) => new Uint8Array(b));
}
