/**
 * Every report of the current range and filters as CSV files in one zip: the overview, the time
 * series and each dimension's whole top list (from the Stats API, as each card's CSV button
 * fetches them). A report the API refuses for these filters (e.g. a dimension no store answers
 * with them) does not stop the others: it is named in `refused.txt` inside the zip, with the
 * reason. fflate is loaded only when a zip is asked for, so the first load does not carry it.
 */
import type { ApiResult } from './api.js';
import type { CsvFile } from './stats-client.js';

export interface ZipPart {
  /** What it is, for `refused.txt`. */
  what: string;
  load: () => Promise<ApiResult<CsvFile>>;
}

/** Requests at a time: a dashboard's worth of reports without a burst of twenty at once. */
const CONCURRENCY = 4;

export async function zipReports(
  name: string,
  parts: readonly ZipPart[],
): Promise<{ file: CsvFile; files: number; refused: string[] }> {
  const results: { what: string; res: ApiResult<CsvFile> }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < parts.length) {
      const i = next++;
      const part = parts[i]!;
      results[i] = { what: part.what, res: await part.load() };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, parts.length) }, worker));

  const { zipSync, strToU8 } = await import('fflate');
  const entries: Record<string, Uint8Array> = {};
  const refused: string[] = [];
  for (const { what, res } of results) {
    if (res.error) refused.push(`${what}: ${res.error.reason ?? 'refused'}: ${res.error.message}`);
    else entries[res.data.name] = new Uint8Array(await res.data.blob.arrayBuffer());
  }
  const files = Object.keys(entries).length;
  if (refused.length > 0) entries['refused.txt'] = strToU8(refused.join('\n') + '\n');
  const zip = zipSync(entries, { level: 6 });
  return {
    file: { name, blob: new Blob([zip], { type: 'application/zip' }) },
    files,
    refused,
  };
}
