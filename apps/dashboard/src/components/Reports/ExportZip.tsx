/** "All as zip": every report of the range and filters as CSV files in one download. */
import { useState } from 'react';
import { download } from '../../lib/download.js';
import { zipReports, type ZipPart } from '../../lib/reports-zip.js';

export function ExportZip({ name, parts }: { name: string; parts: () => readonly ZipPart[] }) {
  const [state, setState] = useState<{ busy: boolean; note: string | null }>({
    busy: false,
    note: null,
  });
  const run = async (): Promise<void> => {
    setState({ busy: true, note: null });
    try {
      const { file, files, refused } = await zipReports(name, parts());
      download(file);
      setState({
        busy: false,
        note: refused.length
          ? `${files} reports; ${refused.length} refused for these filters (see refused.txt)`
          : null,
      });
    } catch (error) {
      setState({ busy: false, note: `Could not build the zip: ${String(error)}` });
    }
  };
  return (
    <span className="export-csv">
      <button
        type="button"
        className="link"
        disabled={state.busy}
        onClick={() => void run()}
        aria-label="Export every report as CSV files in a zip"
      >
        {state.busy ? 'Zipping…' : 'All as zip'}
      </button>
      {state.note && (
        <span className="muted" role="status" data-testid="zip-note">
          {' '}
          {state.note}
        </span>
      )}
    </span>
  );
}
