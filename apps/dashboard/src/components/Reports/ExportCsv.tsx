/** A card's "CSV" button: its report from the Stats API as a file; a refusal is shown in place. */
import { useState } from 'react';
import { download } from '../../lib/download.js';
import type { ApiResult } from '../../lib/api.js';
import type { CsvFile } from '../../lib/stats-client.js';

export function ExportCsv({
  load,
  what,
}: {
  load: () => Promise<ApiResult<CsvFile>>;
  what: string;
}) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });
  const run = async (): Promise<void> => {
    setState({ busy: true, error: null });
    const res = await load();
    if (res.error) return setState({ busy: false, error: res.error.message });
    download(res.data);
    setState({ busy: false, error: null });
  };
  return (
    <span className="export-csv">
      <button
        type="button"
        className="link"
        disabled={state.busy}
        onClick={() => void run()}
        title={`Download ${what} as CSV`}
        aria-label={`Export ${what} as CSV`}
      >
        CSV
      </button>
      {state.error && (
        <span className="error" role="alert">
          {state.error}
        </span>
      )}
    </span>
  );
}
