/**
 * The signed-in member's scheduled e-mail reports of a site: weekly and monthly, each opt-in,
 * sent to their sign-in address by the ingest Worker's Cron Trigger (docs/dashboard.md).
 */
import { useState } from 'react';
import { useLoad } from '../../hooks/useLoad.js';
import type { AccountApi, ReportPeriod } from '../../lib/account-api.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  account: AccountApi;
  site: string;
  /** The signed-in member's user id. */
  user: string;
}

const PERIODS: { period: ReportPeriod; label: string; when: string }[] = [
  { period: 'weekly', label: 'Weekly report', when: 'every Monday, for the week before' },
  { period: 'monthly', label: 'Monthly report', when: 'on the 1st, for the month before' },
];

export function EmailReports({ account, site, user }: Props) {
  const periods = useLoad(`reports:${site}`, () => account.reportPeriods(site));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What the member just chose, shown at once; dropped again if the database refuses it.
  const [chosen, setChosen] = useState<Partial<Record<ReportPeriod, boolean>>>({});

  const toggle = (period: ReportPeriod, on: boolean): void => {
    setBusy(true);
    setChosen((c) => ({ ...c, [period]: on }));
    void account.setReportPeriod(site, user, period, on).then((res) => {
      setBusy(false);
      setError(res.error ? res.error.message : null);
      if (res.error) setChosen((c) => ({ ...c, [period]: undefined }));
      periods.reload();
    });
  };

  return (
    <section className="card email-reports" data-testid="email-reports">
      <h2>Your e-mail reports</h2>
      <p className="muted">
        Visitors, page views, visits, bounce rate and visit duration against the period before, with
        the top pages, sources and goals, sent to your sign-in address.
      </p>
      {PERIODS.map(({ period, label, when }) => (
        <label key={period} className="checkbox">
          <input
            type="checkbox"
            name={period}
            disabled={busy || periods.data === null}
            checked={chosen[period] ?? periods.data?.includes(period) ?? false}
            onChange={(e) => toggle(period, e.target.checked)}
          />{' '}
          {label} <span className="muted">({when})</span>
        </label>
      ))}
      {(error ?? periods.error) && (
        <p className="error" role="status">
          <UserText text={error ?? periods.error?.message ?? ''} max={300} />
        </p>
      )}
    </section>
  );
}
