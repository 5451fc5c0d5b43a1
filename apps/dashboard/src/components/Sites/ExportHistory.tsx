/**
 * "Export history": the site's reports for a range of whole days as Sightline's own export (a
 * zip that Settings → Imports of any Sightline site takes back), read in the browser through
 * the report RPCs as the signed-in member (@sightline/database/export, loaded only here) and
 * downloaded as `<domain>-sightline-export.zip`. Anyone who reads the site may export it.
 */
import { useState, type FormEvent } from 'react';
import type { ExportProgress } from '@sightline/database/export';
import type { AccountApi } from '../../lib/account-api.js';
import type { MySite } from '../../lib/api.js';
import { addDays, zonedDay } from '../../lib/date-range.js';
import { checkExportRange, defaultExportRange } from '../../lib/export-range.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  account: AccountApi;
  site: MySite;
  /** The site's first day with data (its own or imported), null when none is known yet. */
  firstDay: string | null;
  /** An error's message with its stable code. */
  describe: (error: unknown) => string;
}

/** Hands `blob` to the browser as a download named `name`. */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ExportHistory({ account, site, firstDay, describe }: Props) {
  const yesterday = addDays(zonedDay(new Date(), site.timezone), -1);
  const fallback = defaultExportRange(new Date(), site.timezone, firstDay);
  const [picked, setPicked] = useState<{ from?: string; to?: string }>({});
  const range = { from: picked.from ?? fallback.from, to: picked.to ?? fallback.to };
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileName = `${site.domains[0] ?? site.id}-sightline-export.zip`;

  const run = (e: FormEvent): void => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const problem = checkExportRange(range, yesterday);
    if (problem) {
      setError(`${problem.message} (${problem.code})`);
      return;
    }
    const { from, to } = range;
    setProgress({ report: 'totals', reportNumber: 1, reports: 0, days: 0, totalDays: 0 });
    void (async () => {
      try {
        // Loaded on demand: the writer is not part of the dashboard's first load.
        const { exportSiteWith } = await import('@sightline/database/export');
        const stream = exportSiteWith(account.importApi, {
          site: site.id,
          timeZone: site.timezone,
          from,
          to,
          onProgress: setProgress,
        });
        download(await new Response(stream).blob(), fileName);
        const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
        setDone(`Exported ${days} days (${from} to ${to}) as ${fileName}.`);
      } catch (failure) {
        setError(describe(failure));
      } finally {
        setProgress(null);
      }
    })();
  };

  return (
    // noValidate: a refused range gets its message and code from checkExportRange, not a bubble.
    <form className="export-history" onSubmit={run} aria-label="Export history" noValidate>
      <h3>Export history</h3>
      <p className="muted">
        Download this site&apos;s reports for whole days as a Sightline export, to import into
        another site or another Sightline project (Export file above, there).
      </p>
      <label>
        <span>From</span>
        <input
          type="date"
          value={range.from}
          max={yesterday}
          onChange={(e) => setPicked({ ...picked, from: e.target.value })}
          data-testid="export-from"
        />
      </label>
      <label>
        <span>To</span>
        <input
          type="date"
          value={range.to}
          max={yesterday}
          onChange={(e) => setPicked({ ...picked, to: e.target.value })}
          data-testid="export-to"
        />
      </label>
      <button type="submit" disabled={progress !== null}>
        Export history
      </button>
      {progress && (
        <p role="status" data-testid="export-progress">
          Exporting {fileName}
          {progress.reports > 0 &&
            `: ${progress.days} of ${progress.totalDays} days of ${progress.report} (report ${progress.reportNumber} of ${progress.reports})`}
          …
        </p>
      )}
      {done && (
        <p role="status" data-testid="export-summary">
          {done}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="export-error">
          <UserText text={error} />
        </p>
      )}
    </form>
  );
}
