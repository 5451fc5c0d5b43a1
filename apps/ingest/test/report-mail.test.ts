/** The scheduled report's e-mail: labels, changes, escaping and the text part (report-mail.ts). */
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../src/lib/report-data.js';
import { change, duration, periodLabel, renderReport } from '../src/lib/report-mail.js';

const totals = { visitors: 0, visits: 0, pageviews: 0, bounce_rate: 0, avg_engaged_ms: 0 };

const data = (overrides: Partial<ReportData> = {}): ReportData => ({
  site: 'shop',
  siteName: 'Shop',
  timezone: 'Europe/Berlin',
  period: 'weekly',
  periodStart: '2026-12-28',
  from: '2026-12-27T23:00:00Z',
  to: '2027-01-03T23:00:00Z',
  totals: {
    visitors: 1200,
    visits: 1500,
    pageviews: 4000,
    bounce_rate: 0.4,
    avg_engaged_ms: 65_000,
  },
  previous: {
    visitors: 1000,
    visits: 1500,
    pageviews: 5000,
    bounce_rate: 0.35,
    avg_engaged_ms: 60_000,
  },
  pages: [{ value: '/<script>alert(1)</script>', visitors: 10, pageviews: 12 }],
  sources: [{ value: '', visitors: 7, pageviews: 9 }],
  goals: [
    { name: 'Signup', visitors: 30, conversions: 31, conversion_rate: 0.025 },
    { name: 'Gift', visitors: 0, conversions: 0, conversion_rate: 0 },
  ],
  ...overrides,
});

describe('the report e-mail', () => {
  it('labels weeks across months and years, and months', () => {
    expect(periodLabel('weekly', '2026-11-09')).toBe('9 – 15 Nov 2026');
    expect(periodLabel('weekly', '2026-11-30')).toBe('30 Nov – 6 Dec 2026');
    expect(periodLabel('weekly', '2026-12-28')).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(periodLabel('monthly', '2027-02-01')).toBe('February 2027');
  });

  it('shows changes relative for counts and in points for rates, good or bad by direction', () => {
    expect(change(1200, 1000, 'count')).toEqual({ label: '+20%', tone: 'good' });
    expect(change(4000, 5000, 'count')).toEqual({ label: '−20%', tone: 'bad' });
    expect(change(5, 0, 'count')).toEqual({ label: 'new', tone: 'good' });
    expect(change(0, 0, 'count')).toEqual({ label: '—', tone: 'neutral' });
    expect(change(0.4, 0.35, 'rate', true)).toEqual({ label: '+5.0 pp', tone: 'bad' });
    expect(duration(65_000)).toBe('1m 05s');
    expect(duration(3_720_000)).toBe('1h 02m');
  });

  it('escapes what visitors wrote (paths) and names direct traffic', () => {
    const mail = renderReport(data(), 'https://dash.example.com/');
    expect(mail.subject).toBe('Shop: weekly report, 28 Dec 2026 – 3 Jan 2027');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.html).toContain('Direct / none');
    expect(mail.html).toContain('href="https://dash.example.com/?site=shop"');
    expect(mail.text).toContain('Visitors: 1,200 (+20% against the week before)');
    expect(mail.text).toContain('Bounce rate: 40.0% (+5.0 pp against the week before)');
    expect(mail.text).toContain('Visit duration: 1m 05s (+8% against the week before)');
    expect(mail.text).toContain('Signup  —  31 conversions · 2.5% of visitors');
    expect(mail.text).not.toContain('Gift');
  });

  it('says so when a period has no pages or sources, and leaves out goals when there are none', () => {
    const mail = renderReport(
      data({ totals, previous: totals, pages: [], sources: [], goals: [] }),
    );
    expect(mail.text).toContain('Top pages\n  None in this period.');
    expect(mail.html).not.toContain('Goals');
    const unconverted = renderReport(
      data({ goals: [{ name: 'Gift', visitors: 0, conversions: 0, conversion_rate: 0 }] }),
    );
    expect(unconverted.text).toContain('Goals\n  None in this period.');
    expect(mail.text).not.toContain('Open the dashboard');
  });
});
