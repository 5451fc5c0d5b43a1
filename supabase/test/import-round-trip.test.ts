// Sightline's own export (src/export-site.ts) of a site with real traffic, imported into a new
// site, gives the same reports for whole days; and an export with hostile text imports and reads
// back exactly, without disturbing ordinary rows, or is refused whole.
import { SIGHTLINE_REPORTS, writeSightlineExport, ImportError } from '@sightline/import';
import { collect } from '@sightline/import/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSite, localMidnight, type ExportProgress } from '../src/export-site.js';
import { importExport } from '../src/import-export.js';
import { serviceTarget } from './support/imports.js';
import { rpc } from './support/rpc.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

const TZ = 'Europe/Berlin';
const DAYS = ['2024-03-30', '2024-03-31', '2024-04-01']; // across the switch to summer time
let t: TestStack;

const bytesOf = async (stream: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(stream).arrayBuffer());
const span = (site: string, from: string, to: string) => ({
  p_site: site,
  p_from: localMidnight(from, TZ).toISOString(),
  p_to: localMidnight(to, TZ).toISOString(),
});
const next = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** An overview without the note on imported days, which says where the figures came from. */
const overview = async (site: string, from: string, to: string) => {
  const { imported: _imported, ...rest } = await rpc<Record<string, unknown>>(
    t.service,
    'stats_overview',
    span(site, from, to),
  );
  return rest;
};

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: 'native', timezone: TZ });
  await createSite(t.db, { id: 'copy', timezone: TZ });
  const traffic = generateTraffic({
    siteId: 'native',
    seed: 11,
    startMs: localMidnight(DAYS[0]!, TZ).getTime(),
    spanMs: 3 * 86_400_000 - 4 * 3_600_000,
    visitors: 40,
    sessions: 160,
  });
  for (const batch of toBatches(traffic, 200))
    await rpc(t.service, 'ingest_batch', { payload: batch });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('round trip through Sightline’s export', () => {
  it('imported into a new site, the export gives the same reports for whole days', async () => {
    const progress: ExportProgress[] = [];
    const zip = await bytesOf(
      exportSite(serviceTarget(t), {
        site: 'native',
        timeZone: TZ,
        from: DAYS[0]!,
        to: DAYS[2]!,
        onProgress: (p) => progress.push(p),
      }),
    );
    // One report of one day at a time, in order, each told once (the dashboard shows them).
    expect(progress).toHaveLength(3 * SIGHTLINE_REPORTS.length);
    expect(progress.at(-1)).toEqual({
      report: SIGHTLINE_REPORTS.at(-1),
      reportNumber: SIGHTLINE_REPORTS.length,
      reports: SIGHTLINE_REPORTS.length,
      days: 3,
      totalDays: 3,
    });
    const result = await importExport(serviceTarget(t), {
      input: zip,
      name: 'native.zip',
      site: 'copy',
    });
    expect(result).toMatchObject({ format: 'sightline', days: 3, first_day: DAYS[0] });

    for (const day of DAYS) {
      expect(await overview('copy', day, next(day)), day).toEqual(
        await overview('native', day, next(day)),
      );
      for (const report of SIGHTLINE_REPORTS.filter((r) => r !== 'totals')) {
        const args = { ...span('native', day, next(day)), p_dimension: report, p_limit: 1000 };
        const native = await rpc<unknown[]>(t.service, 'stats_breakdown', args);
        expect(
          await rpc<unknown[]>(t.service, 'stats_breakdown', { ...args, p_site: 'copy' }),
          `${day} ${report}`,
        ).toEqual(native);
      }
    }
    const series = (site: string) =>
      rpc<unknown[]>(t.service, 'stats_timeseries', {
        ...span(site, DAYS[0]!, next(DAYS[2]!)),
        p_resolution: 'day',
      });
    expect(await series('copy')).toEqual(await series('native'));
    // Over several days the sums agree; unique visitors of imported days can only be summed.
    const all = [DAYS[0]!, next(DAYS[2]!)] as const;
    const [copy, native] = [await overview('copy', ...all), await overview('native', ...all)];
    expect({ ...copy, visitors: 0, previous: 0 }).toEqual({ ...native, visitors: 0, previous: 0 });
    expect(copy.visitors as number).toBeGreaterThanOrEqual(native.visitors as number);
  });
});

const HOSTILE = [
  '\u0000',
  '/\u202Egnp.exe',
  '/<script>alert(1)</script>',
  '/"quoted", and, commas\r\nnew line',
  '/\uFEFFbom',
  '/\uD800lone',
  '/' + 'é'.repeat(3000),
  '/=HYPERLINK("x")',
  '/👩‍👩‍👧‍👦',
];

describe('hostile text', () => {
  it('imports and reads back exactly, or is refused whole, never disturbing ordinary rows', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.oneof(
            fc.constantFrom(...HOSTILE),
            fc.string({ unit: 'binary', maxLength: 80 }),
            fc.string({ unit: 'grapheme', maxLength: 40 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (values) => {
          const site = `hostile${run++}`;
          await createSite(t.db, { id: site, timezone: 'UTC' });
          const pages = [
            {
              day: '2024-01-01',
              value: '/pricing',
              visitors: 5,
              visits: 6,
              pageviews: 7,
              bounces: 1,
              engagedMs: 800,
            },
          ];
          for (const value of values)
            pages.push({
              day: '2024-01-01',
              value,
              visitors: 1,
              visits: 1,
              pageviews: 1,
              bounces: 0,
              engagedMs: 1,
            });
          const zip = () =>
            writeSightlineExport({ site, timeZone: 'UTC', from: '2024-01-01', to: '2024-01-01' }, [
              [
                'totals',
                [
                  {
                    day: '2024-01-01',
                    visitors: 9,
                    visits: 9,
                    pageviews: 9,
                    bounces: 1,
                    engagedMs: 9,
                  },
                ],
              ],
              ['page', pages],
            ]);
          const read: Awaited<ReturnType<typeof collect>> | Error = await collect(zip()).catch(
            (error: unknown) => error as Error,
          );
          const imported = await importExport(serviceTarget(t), {
            input: await bytesOf(zip()),
            name: 'hostile.zip',
            site,
          }).catch((error: unknown) => error);
          const breakdown = await rpc<{ value: string; visits: number }[]>(
            t.service,
            'stats_breakdown',
            {
              p_site: site,
              p_dimension: 'page',
              p_from: '2024-01-01T00:00:00Z',
              p_to: '2024-01-02T00:00:00Z',
              p_limit: 1000,
            },
          );
          if (read instanceof Error) {
            // Refused by the reader: the same refusal through the import, and nothing stored.
            expect(read).toBeInstanceOf(ImportError);
            expect(imported).toBeInstanceOf(ImportError);
            expect((imported as ImportError).code).toBe((read as ImportError).code);
            expect(breakdown).toEqual([]);
            return;
          }
          expect(imported).not.toBeInstanceOf(Error);
          const expected = read.records
            .filter((r) => r.dimension === 'page')
            .map((r) => [r.value, r.visits])
            .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
          expect(
            breakdown
              .map((r) => [r.value, r.visits])
              .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
          ).toEqual(expected);
          expect(breakdown.find((r) => r.value === '/pricing')).toMatchObject({ visits: 6 });
        },
      ),
      { numRuns: 25, seed: 20261208 },
    );
  });
});
