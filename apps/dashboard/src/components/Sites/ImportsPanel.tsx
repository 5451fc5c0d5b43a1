/**
 * A site's imports of analytics history (docs/imports.md): upload a Plausible, Umami or
 * Sightline export, watch the records go in, see what was imported, delete an import. The file
 * is read in the browser as a stream (@sightline/import, loaded only here) and sent in batches;
 * nothing of a refused file is kept. Owners and admins only (the database refuses anyone else).
 * Below it, "Export history" (ExportHistory), which any member who reads the site may use.
 */
import { useState, type ChangeEvent } from 'react';
import { useLoad } from '../../hooks/useLoad.js';
import type { AccountApi } from '../../lib/account-api.js';
import type { MySite } from '../../lib/api.js';
import { firstDayOfData } from '../../lib/export-range.js';
import { formatWhen } from '../../lib/format-when.js';
import { ExportHistory } from './ExportHistory.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  account: AccountApi;
  site: MySite;
}

interface Summary {
  duplicate: boolean;
  format: string;
  days: number;
  records: number;
  first_day: string | null;
  last_day: string | null;
}

/** An error's message with its stable code and place, as the reader or the database gave it. */
function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; reason?: string | null };
  const code = e.reason ?? (typeof e.code === 'string' && e.code !== 'request' ? e.code : null);
  return `${e.message ?? String(error)}${code ? ` (${code})` : ''}`;
}

export function ImportsPanel({ account, site }: Props) {
  const list = useLoad(`imports:${site.id}`, () => account.imports(site.id));
  const ownFirstDay = useLoad(`first-day:${site.id}`, () => account.firstDay(site.id));
  const [progress, setProgress] = useState<{ file: string; records: number } | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = (e: ChangeEvent<HTMLInputElement>): void => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setSummary(null);
    setProgress({ file: file.name, records: 0 });
    void (async () => {
      try {
        // Loaded on demand: the reader is not part of the dashboard's first load.
        const { importInto } = await import('@sightline/database/import');
        setSummary(
          await importInto(account.importApi, {
            input: file,
            name: file.name,
            site,
            onProgress: (records) => setProgress({ file: file.name, records }),
          }),
        );
      } catch (failure) {
        setError(describe(failure));
      } finally {
        setProgress(null);
        list.reload();
      }
    })();
  };

  const remove = (id: string): void => {
    void account.deleteImport(id).then((res) => {
      if (res.error) setError(res.error.message);
      setSummary(null);
      list.reload();
    });
  };

  const imports = (list.data ?? []).filter((i) => i.status === 'complete');
  const nativeFrom = list.data?.[0]?.native_from ?? null;
  return (
    <section className="sharing" aria-label="Imports">
      <h2>Imports</h2>
      <p className="muted">
        Bring this site&apos;s history in from Plausible (Settings → Imports &amp; Exports → Export
        to CSV: the zip), Umami (its data export, or the <code>website_event</code> CSV) or
        Sightline&apos;s own export. Imported days show in the overview, the chart and the top lists
        over whole days; days from the site&apos;s own first day on use its own data.
      </p>
      <label className="import-file">
        <span>Export file</span>
        <input
          type="file"
          accept=".zip,.csv,.gz"
          disabled={progress !== null}
          onChange={upload}
          data-testid="import-file"
        />
      </label>
      {progress && (
        <p role="status" data-testid="import-progress">
          Importing <UserText text={progress.file} />: {progress.records.toLocaleString('en')}{' '}
          records sent…
        </p>
      )}
      {summary && (
        <p role="status" data-testid="import-summary">
          {summary.duplicate
            ? 'This data was already imported: nothing changed.'
            : `Imported ${summary.records.toLocaleString('en')} records of ${summary.days} days (${summary.first_day} to ${summary.last_day}) from a ${summary.format} export.`}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="import-error">
          <UserText text={error} />
        </p>
      )}
      {nativeFrom && imports.length > 0 && (
        <p className="muted">
          Sightline&apos;s own data starts on {nativeFrom}: imported days from then on are not
          counted.
        </p>
      )}
      <table className="list" data-testid="import-list">
        <thead>
          <tr>
            <th>File</th>
            <th>Format</th>
            <th>Days</th>
            <th>Records</th>
            <th>Imported</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr key={i.id}>
              <td>
                <UserText text={i.file_name} />
              </td>
              <td>{i.format}</td>
              <td>
                {i.days} ({i.first_day} to {i.last_day})
              </td>
              <td>{i.records.toLocaleString('en')}</td>
              <td>
                {formatWhen(i.created_at)}
                {i.created_by && (
                  <>
                    {' '}
                    by <UserText text={i.created_by} />
                  </>
                )}
              </td>
              <td>
                <button type="button" className="danger" onClick={() => remove(i.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Its default range follows the first day with data as the two lists load. */}
      <ExportHistory
        account={account}
        site={site}
        firstDay={firstDayOfData([ownFirstDay.data, ...imports.map((i) => i.first_day)])}
        describe={describe}
      />
    </section>
  );
}
