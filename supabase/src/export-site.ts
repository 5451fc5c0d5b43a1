// Sightline's own export of a site (`sightline export`): its reports for every local day of a
// range, read through the report RPCs as any reader of the site reads them, written as
// @sightline/import's Sightline export (a zip: manifest, totals.csv, one CSV per dimension).
// Rows are fetched while the zip is written, one report of one day at a time. Importing it into
// another site gives the same reports for whole days (test/import-round-trip.test.ts).
import {
  SIGHTLINE_REPORTS,
  writeSightlineExport,
  type SightlineReport,
  type SightlineRow,
} from '@sightline/import';
import {
  ImportRequestError,
  targetApi,
  type ImportApi,
  type ImportTarget,
} from './import-export.js';

/** Values per report and day: the report RPCs' maximum. A busier day is refused, not cut. */
export const EXPORT_VALUES_PER_DAY = 1000;

interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  bounce_rate: number | null;
  engaged_ms: number;
}

/** The instant local midnight of `day` (YYYY-MM-DD) begins in `timeZone`. */
export function localMidnight(day: string, timeZone: string): Date {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return (
      Date.UTC(
        get('year'),
        get('month') - 1,
        get('day'),
        get('hour'),
        get('minute'),
        get('second'),
      ) - at
    );
  };
  // Twice: the offset at the guess may differ from the one at the answer (a DST change).
  const first = utc - offset(utc);
  return new Date(utc - offset(first));
}

export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let at = Date.parse(`${from}T00:00:00Z`);
    at <= Date.parse(`${to}T00:00:00Z`);
    at += 86_400_000
  )
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

const bounces = (t: Totals) =>
  t.bounce_rate === null ? null : Math.round(t.bounce_rate * t.visits);

export interface ExportOptions {
  site: string;
  /** The site's zone: the days are its local days. */
  timeZone: string;
  /** First and last day (YYYY-MM-DD), inclusive. */
  from: string;
  to: string;
  /** Called after each day of each report is read. */
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  /** The report being read, its place (from 1) among `reports`. */
  report: SightlineReport;
  reportNumber: number;
  reports: number;
  /** Days of `report` read so far, of `totalDays`. */
  days: number;
  totalDays: number;
}

/**
 * The export of `site` from `from` to `to` (local days of `timeZone`, the site's, inclusive).
 * The stream fails with `too_many_values` (an ImportRequestError) on a day with more values of
 * a dimension than one report returns.
 */
export function exportSite(
  target: ImportTarget,
  options: ExportOptions,
): ReadableStream<Uint8Array> {
  return exportSiteWith(targetApi(target), options);
}

/**
 * `exportSite` through any caller of the report RPCs: the dashboard passes its signed-in
 * member's client, so an export reads exactly what that member may read.
 */
export function exportSiteWith(api: ImportApi, options: ExportOptions): ReadableStream<Uint8Array> {
  const { site, timeZone } = options;
  const days = daysOf(options.from, options.to);
  const span = (day: string) => {
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return {
      p_site: site,
      p_from: localMidnight(day, timeZone).toISOString(),
      p_to: localMidnight(next, timeZone).toISOString(),
    };
  };
  const read = async <T>(report: SightlineReport, index: number, fn: string, args: object) => {
    const answer = await api.rpc<T>(fn, args);
    options.onProgress?.({
      report,
      reportNumber: SIGHTLINE_REPORTS.indexOf(report) + 1,
      reports: SIGHTLINE_REPORTS.length,
      days: index + 1,
      totalDays: days.length,
    });
    return answer;
  };
  async function* rows(report: SightlineReport): AsyncGenerator<SightlineRow> {
    for (const [index, day] of days.entries()) {
      if (report === 'totals') {
        const t = await read<Totals>(report, index, 'stats_overview', span(day));
        if (t.visits > 0)
          yield {
            day,
            visitors: t.visitors,
            visits: t.visits,
            pageviews: t.pageviews,
            bounces: bounces(t),
            engagedMs: t.engaged_ms,
          };
        continue;
      }
      const values = await read<(Totals & { value: string })[]>(report, index, 'stats_breakdown', {
        ...span(day),
        p_dimension: report,
        p_limit: EXPORT_VALUES_PER_DAY,
      });
      if (values.length >= EXPORT_VALUES_PER_DAY)
        throw new ImportRequestError(
          'too_many_values',
          `${day}: ${report} has ${EXPORT_VALUES_PER_DAY} or more values, more than an export holds per day`,
          0,
        );
      for (const v of values)
        yield report === 'event'
          ? { day, value: v.value, visitors: v.visitors, visits: v.visits, events: v.pageviews }
          : {
              day,
              value: v.value,
              visitors: v.visitors,
              visits: v.visits,
              pageviews: v.pageviews,
              bounces: bounces(v),
              engagedMs: v.engaged_ms,
            };
    }
  }
  return writeSightlineExport(
    { site, timeZone, from: options.from, to: options.to },
    SIGHTLINE_REPORTS.map((report) => [report, rows(report)] as const),
  );
}
