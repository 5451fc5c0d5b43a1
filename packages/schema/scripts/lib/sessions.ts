/**
 * Maps a session table (the UCI Online Shoppers columns, or a site's own export in the same
 * layout) onto the scorer's `VisitFeatures`, so fitting, evaluation and live scoring all pass
 * through the same feature code. The column contract is documented in docs/value-score.md.
 */
import type { VisitFeatures } from '../../src/value-score/types.js';
import type { Table } from './csv.js';
import { ScoreScriptError } from './errors.js';

export interface Session {
  features: VisitFeatures;
  label: 0 | 1;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TRUE = new Set(['1', 'true', 'yes']);
const FALSE = new Set(['0', 'false', 'no']);

function parseMonth(s: string): number | null {
  const n = Number(s);
  if (s !== '' && Number.isInteger(n) && n >= 1 && n <= 12) return n;
  const i = MONTHS.indexOf(s.slice(0, 3).toLowerCase());
  return i >= 0 ? i + 1 : null;
}

function parseBool(s: string): boolean | null {
  const v = s.toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : null;
}

function parseCount(s: string): number | null {
  const n = Number(s);
  // Negative durations occur in some copies of the UCI file (-1 for "unknown"): read as 0.
  return s !== '' && Number.isFinite(n) ? Math.max(0, n) : null;
}

/** Content groups: every column X that has an X_Duration companion. */
export function groupColumns(header: string[]): { name: string; views: number; secs: number }[] {
  const lower = header.map((h) => h.toLowerCase());
  const out: { name: string; views: number; secs: number }[] = [];
  lower.forEach((h, i) => {
    const secs = lower.indexOf(`${h}_duration`);
    if (secs >= 0) out.push({ name: h, views: i, secs });
  });
  return out;
}

/** Reads every row as a labelled session; throws a `ScoreScriptError` naming the bad cell. */
export function readSessions(table: Table): Session[] {
  const lower = table.header.map((h) => h.toLowerCase());
  const col = (name: string, required: boolean): number => {
    const i = lower.indexOf(name.toLowerCase());
    if (i < 0 && required) {
      throw new ScoreScriptError('csv_missing_column', `missing column "${name}"`);
    }
    return i;
  };
  const groups = groupColumns(table.header);
  if (groups.length === 0) {
    throw new ScoreScriptError(
      'csv_missing_column',
      'no page columns: expected pairs like ProductRelated + ProductRelated_Duration',
    );
  }
  const [revenue, month, visitor, weekend] = ['Revenue', 'Month', 'VisitorType', 'Weekend'].map(
    (c) => col(c, true),
  ) as [number, number, number, number];
  const optional = ['source_class', 'device_class', 'os_name', 'browser_name'].map((c) =>
    col(c, false),
  );
  return table.rows.map((row, r) => {
    const bad = (column: string, value: string): never => {
      throw new ScoreScriptError(
        'csv_bad_value',
        `line ${table.lines[r]}: column "${column}" has "${value}"`,
      );
    };
    const cell = (i: number): string => row[i] ?? '';
    const pagesByGroup: Record<string, { views: number; engagedMs: number }> = {};
    let pageviews = 0;
    let engagedMs = 0;
    for (const g of groups) {
      const views = parseCount(cell(g.views)) ?? bad(table.header[g.views]!, cell(g.views));
      const secs = parseCount(cell(g.secs)) ?? bad(table.header[g.secs]!, cell(g.secs));
      pagesByGroup[g.name] = { views, engagedMs: secs * 1000 };
      pageviews += views;
      engagedMs += secs * 1000;
    }
    const label = parseBool(cell(revenue)) ?? bad('Revenue', cell(revenue));
    const [source, device, os, browser] = optional.map((i) => (i >= 0 ? cell(i) : undefined));
    const features: VisitFeatures = {
      pageviews,
      engagedMs,
      pagesByGroup,
      // 'Other' (neither new nor returning in the UCI data) is read as not returning.
      returning: cell(visitor).toLowerCase() === 'returning_visitor',
      weekend: parseBool(cell(weekend)) ?? bad('Weekend', cell(weekend)),
      month: parseMonth(cell(month)) ?? bad('Month', cell(month)),
      ...(source ? { sourceClass: source as VisitFeatures['sourceClass'] } : {}),
      ...(device ? { device: device as VisitFeatures['device'] } : {}),
      ...(os ? { os } : {}),
      ...(browser ? { browser } : {}),
    };
    return { features, label: label ? 1 : 0 };
  });
}
