import { describe, expect, it } from 'vitest';
import { collect, compareRecords, roundTrip } from '../src/testing.js';
import { sightlineCsv } from '../src/index.js';
import { plausibleFiles, plausibleZip } from './fixtures.js';
import { refused, text } from './helpers.js';

const manifest = { site: 'demo', timeZone: 'Europe/Berlin', from: '2024-01-01', to: '2024-01-02' };

describe("Sightline's own CSV export", () => {
  it('round trip: records written as the export and read back are the same records', async () => {
    const { records } = await collect(await plausibleZip(plausibleFiles()));
    const back = await roundTrip(records, manifest);
    expect(back.differences).toEqual([]);
    expect(back.summary).toMatchObject({
      format: 'sightline',
      timeZone: 'Europe/Berlin',
      records: records.length,
    });
    // Only what Sightline's export carries is compared (visit duration is Plausible's).
    expect(compareRecords(records, back.records, ['visitDurationMs']).length).toBeGreaterThan(0);
  });

  it('reads a loose report CSV by its header, and refuses a manifest of another version', async () => {
    let csv = '';
    for await (const line of sightlineCsv('page', [
      {
        day: '2024-01-01',
        value: '/a,"b"',
        visitors: 2,
        visits: 3,
        pageviews: 4,
        bounces: 1,
        engagedMs: null,
      },
    ]))
      csv += line;
    expect(csv).toBe(
      '"date","page","visitors","visits","pageviews","bounces","engaged_ms"\n"2024-01-01","/a,""b""",2,3,4,1,\n',
    );
    const { records } = await collect(text(csv), { name: 'page.csv' });
    expect(records[0]).toMatchObject({
      dimension: 'page',
      value: '/a,"b"',
      visits: 3,
      engagedMs: null,
    });
    const { writeZip } = await import('../src/index.js');
    const zip = writeZip([
      {
        name: 'sightline.json',
        data: JSON.stringify({ ...manifest, format: 'sightline-export', version: 2 }),
      },
    ]);
    await refused(zip, 'unsupported_export');
  });
});

describe('stopping early', () => {
  it('cancels the input when the consumer stops', async () => {
    const { plausibleZip: zip, plausibleFiles: files } = await import('./fixtures.js');
    const bytes = await zip(files());
    let cancelled = false;
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) controller.close();
        else controller.enqueue(bytes.subarray(at, (at += 100)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { readExport } = await import('../src/index.js');
    const reader = readExport(stream);
    for await (const _ of reader) break;
    expect(cancelled).toBe(true);
    expect(reader.summary).toBeNull();
  });
});
