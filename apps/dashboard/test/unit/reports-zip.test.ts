// The zip of every report: each CSV under its own name, refusals listed instead of lost, and
// never more than four requests at a time.
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ApiError, type ApiResult } from '../../src/lib/api.js';
import { zipReports } from '../../src/lib/reports-zip.js';
import type { CsvFile } from '../../src/lib/stats-client.js';

describe('reports zip', () => {
  it('holds every CSV, names the refused ones, and asks four at a time', async () => {
    let running = 0;
    let most = 0;
    const part = (name: string, refuse = false) => ({
      what: name,
      load: async (): Promise<ApiResult<CsvFile>> => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        return refuse
          ? {
              data: null,
              error: new ApiError('no store answers this', 'request', 422, 'unsupported_query'),
            }
          : {
              data: { name: `${name}.csv`, blob: new Blob([`value\r\n${name}\r\n`]) },
              error: null,
            };
      },
    });
    const parts = Array.from({ length: 9 }, (_, i) => part(`r${i}`, i === 4));
    const { file, files, refused } = await zipReports('shop-reports.zip', parts);
    expect(file.name).toBe('shop-reports.zip');
    expect(most).toBe(4);
    expect(files).toBe(8);
    const entries = unzipSync(new Uint8Array(await file.blob.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(
      [...parts.filter((_, i) => i !== 4).map((p) => `${p.what}.csv`), 'refused.txt'].sort(),
    );
    expect(strFromU8(entries['r7.csv']!)).toBe('value\r\nr7\r\n');
    expect(strFromU8(entries['refused.txt']!)).toBe(
      'r4: unsupported_query: no store answers this\n',
    );
    expect(refused).toHaveLength(1);
  });
});
