/**
 * A report as CSV (`?format=csv`): one row per breakdown value or time-series bucket (one row
 * for an overview), the range's figures only. Cells that a spreadsheet would read as a formula
 * (starting with = + - @, tab or carriage return) get a leading apostrophe (OWASP "CSV
 * injection"): page paths and referrers are whatever visitors sent.
 */
import type { EventPropertyRow, GoalRow, StatsTotals } from '@sightline/schema';

const COLUMNS = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'engaged_ms'] as const;

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

type Row = StatsTotals & { value?: string; bucket?: string };

/**
 * @example
 * toCsv([{ value: '/docs', visitors: 3, visits: 4, pageviews: 9, bounceRate: 0.25, engagedMs: 1200 }], 'value')
 */
export function toCsv(rows: readonly Row[], key: 'value' | 'bucket' | null): string {
  const header = [...(key ? [key] : []), ...COLUMNS].join(',');
  const lines = rows.map((r) =>
    [
      ...(key ? [cell(r[key] ?? '')] : []),
      cell(r.visitors),
      cell(r.visits),
      cell(r.pageviews),
      cell(r.bounceRate),
      cell(r.engagedMs),
    ].join(','),
  );
  return [header, ...lines].join('\r\n') + '\r\n';
}

/** Revenue per currency in one cell: `EUR 89; USD 12.5`. */
const revenueCell = (r: Record<string, number>): string =>
  Object.entries(r)
    .map(([currency, amount]) => `${currency} ${amount}`)
    .join('; ');

/** A goal (`dimension: goal`) or event-property (`event_property`) breakdown as CSV. */
export function conversionsCsv(rows: readonly (GoalRow | EventPropertyRow)[]): string {
  const goals = rows.length > 0 && 'goalId' in rows[0]!;
  const header = goals
    ? 'value,goal_id,visitors,conversions,conversion_rate,revenue'
    : 'value,visitors,events,revenue';
  const lines = rows.map((r) =>
    'goalId' in r
      ? [r.value, r.goalId, r.visitors, r.conversions, r.conversionRate, revenueCell(r.revenue)]
          .map(cell)
          .join(',')
      : [r.value, r.visitors, r.events, revenueCell(r.revenue)].map(cell).join(','),
  );
  return [header, ...lines].join('\r\n') + '\r\n';
}
