/**
 * A scheduled report as an e-mail: an HTML part that reads well in common mail clients (tables
 * for layout, inline styles only, no images or other external assets, system fonts) and a plain
 * text part with the same content. Pure: the numbers come from report-data.ts.
 */
import type { ReportData, ReportRow, ReportTotals } from './report-data.js';

export interface ReportMail {
  subject: string;
  html: string;
  text: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The period's local days, e.g. `30 Nov – 6 Dec 2026` or `November 2026`. */
export function periodLabel(period: 'weekly' | 'monthly', start: string): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  if (period === 'monthly')
    return `${new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${y}`;
  const end = new Date(Date.UTC(y, m - 1, d + 6));
  const sameMonth = end.getUTCMonth() === m - 1;
  const first = sameMonth
    ? String(d)
    : `${d} ${MONTHS[m - 1]}${end.getUTCFullYear() !== y ? ` ${y}` : ''}`;
  return `${first} – ${end.getUTCDate()} ${MONTHS[end.getUTCMonth()]} ${end.getUTCFullYear()}`;
}

/** `1m 05s`, `42s`, `1h 02m`. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

interface Change {
  label: string;
  /** good, bad or neutral, from the metric's direction (a higher bounce rate is bad). */
  tone: 'good' | 'bad' | 'neutral';
}

/** The change against the previous period: relative, or in points for a rate. */
export function change(
  now: number,
  before: number,
  kind: 'count' | 'rate',
  lowerIsBetter = false,
): Change {
  if (kind === 'rate') {
    const points = (now - before) * 100;
    if (Math.abs(points) < 0.05) return { label: '±0 pp', tone: 'neutral' };
    const up = points > 0;
    return {
      label: `${up ? '+' : '−'}${Math.abs(points).toFixed(1)} pp`,
      tone: up === lowerIsBetter ? 'bad' : 'good',
    };
  }
  if (before === 0)
    return now === 0 ? { label: '—', tone: 'neutral' } : { label: 'new', tone: 'good' };
  const ratio = (now - before) / before;
  if (Math.abs(ratio) < 0.005) return { label: '±0%', tone: 'neutral' };
  const up = ratio > 0;
  return {
    label: `${up ? '+' : '−'}${Math.abs(ratio * 100).toFixed(0)}%`,
    tone: up === lowerIsBetter ? 'bad' : 'good',
  };
}

interface Headline {
  name: string;
  value: string;
  change: Change;
}

function headlines(t: ReportTotals, p: ReportTotals): Headline[] {
  return [
    {
      name: 'Visitors',
      value: integer.format(t.visitors),
      change: change(t.visitors, p.visitors, 'count'),
    },
    {
      name: 'Page views',
      value: integer.format(t.pageviews),
      change: change(t.pageviews, p.pageviews, 'count'),
    },
    {
      name: 'Visits',
      value: integer.format(t.visits),
      change: change(t.visits, p.visits, 'count'),
    },
    {
      name: 'Bounce rate',
      value: percent(t.bounce_rate),
      change: change(t.bounce_rate, p.bounce_rate, 'rate', true),
    },
    {
      name: 'Visit duration',
      value: duration(t.avg_engaged_ms),
      change: change(t.avg_engaged_ms, p.avg_engaged_ms, 'count'),
    },
  ];
}

const sourceName = (value: string): string => value || 'Direct / none';

const TONE = { good: '#1a7f37', bad: '#c0362c', neutral: '#6e6e73' } as const;
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const CELL = `padding:6px 8px;border-bottom:1px solid #eeeeee;${FONT};font-size:14px;color:#1d1d1f`;
const HEAD = `padding:6px 8px;border-bottom:2px solid #dddddd;${FONT};font-size:12px;color:#6e6e73;text-align:left`;

function htmlTable(title: string, columns: string[], body: string[][]): string {
  if (body.length === 0)
    return `<h2 style="${FONT};font-size:16px;margin:24px 0 8px">${escape(title)}</h2><p style="${FONT};font-size:14px;color:#6e6e73;margin:0">None in this period.</p>`;
  const th = columns
    .map((c, i) => `<th style="${HEAD}${i > 0 ? ';text-align:right' : ''}">${escape(c)}</th>`)
    .join('');
  const tr = body
    .map(
      (row) =>
        `<tr>${row.map((c, i) => `<td style="${CELL}${i > 0 ? ';text-align:right;white-space:nowrap' : ';word-break:break-all'}">${escape(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<h2 style="${FONT};font-size:16px;margin:24px 0 8px">${escape(title)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
<tr>${th}</tr>${tr}</table>`;
}

/** The same rows as text: a line each, the figures with their units (`12 visitors · 30 views`). */
function textTable(title: string, body: string[][], units: string[]): string {
  if (body.length === 0) return `${title}\n  None in this period.`;
  const line = (row: string[]) =>
    `  ${row[0]}  —  ${row
      .slice(1)
      .map((c, i) => `${c} ${units[i]}`)
      .join(' · ')}`;
  return `${title}\n${body.map(line).join('\n')}`;
}

const rowCells = (list: ReportRow[], name: (v: string) => string = (v) => v): string[][] =>
  list.map((r) => [name(r.value), integer.format(r.visitors), integer.format(r.pageviews)]);
const ROW_UNITS = ['visitors', 'views'];

/**
 * @example
 * const { subject, html, text } = renderReport(data, 'https://dash.example.com/');
 */
export function renderReport(data: ReportData, dashboardUrl?: string): ReportMail {
  const label = periodLabel(data.period, data.periodStart);
  const kind = data.period === 'weekly' ? 'Weekly' : 'Monthly';
  const subject = `${data.siteName}: ${kind.toLowerCase()} report, ${label}`;
  const heads = headlines(data.totals, data.previous);
  const previous = data.period === 'weekly' ? 'the week before' : 'the month before';
  const pages = rowCells(data.pages);
  const sources = rowCells(data.sources, sourceName);
  // Goals that converted; a site with goals but no conversion in the period says so.
  const goals = data.goals
    .filter((g) => g.conversions > 0)
    .map((g) => [g.name, integer.format(g.conversions), percent(g.conversion_rate)]);
  const link = dashboardUrl
    ? `${dashboardUrl.replace(/\/+$/, '')}/?site=${encodeURIComponent(data.site)}`
    : undefined;

  const tiles = heads
    .map(
      (h) => `<td valign="top" style="padding:8px;${FONT}">
<div style="font-size:12px;color:#6e6e73">${escape(h.name)}</div>
<div style="font-size:22px;font-weight:600;color:#1d1d1f;margin:2px 0">${escape(h.value)}</div>
<div style="font-size:12px;color:${TONE[h.change.tone]}">${escape(h.change.label)}</div></td>`,
    )
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(subject)}</title></head>
<body style="margin:0;padding:0;background:#f5f5f7">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px"><tr><td style="padding:24px">
<p style="${FONT};font-size:13px;color:#6e6e73;margin:0">${escape(kind)} report · ${escape(label)}</p>
<h1 style="${FONT};font-size:22px;color:#1d1d1f;margin:4px 0 16px">${escape(data.siteName)}</h1>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background:#fafafa;border-radius:6px"><tr>${tiles}</tr></table>
<p style="${FONT};font-size:12px;color:#6e6e73;margin:6px 0 0">Changes are against ${previous}.</p>
${htmlTable('Top pages', ['Page', 'Visitors', 'Views'], pages)}
${htmlTable('Top sources', ['Source', 'Visitors', 'Views'], sources)}
${data.goals.length ? htmlTable('Goals', ['Goal', 'Conversions', 'Rate (of visitors)'], goals) : ''}
${link ? `<p style="${FONT};font-size:14px;margin:24px 0 0"><a href="${escape(link)}" style="color:#0b5cad">Open the dashboard</a></p>` : ''}
<p style="${FONT};font-size:12px;color:#6e6e73;margin:24px 0 0">You receive this because you turned on ${kind.toLowerCase()} reports for ${escape(data.siteName)}. Turn them off in the dashboard, under Members. Times are in ${escape(data.timezone)}.</p>
</td></tr></table></td></tr></table></body></html>`;

  const text = [
    `${data.siteName} — ${kind.toLowerCase()} report, ${label}`,
    '',
    ...heads.map((h) => `${h.name}: ${h.value} (${h.change.label} against ${previous})`),
    '',
    textTable('Top pages', pages, ROW_UNITS),
    '',
    textTable('Top sources', sources, ROW_UNITS),
    ...(data.goals.length ? ['', textTable('Goals', goals, ['conversions', 'of visitors'])] : []),
    ...(link ? ['', `Open the dashboard: ${link}`] : []),
    '',
    `You receive this because you turned on ${kind.toLowerCase()} reports for ${data.siteName}. Turn them off in the dashboard, under Members. Times are in ${data.timezone}.`,
  ].join('\n');
  return { subject, html, text };
}
