/**
 * `readExport`: one input (zip, gzip or CSV; Plausible, Umami or Sightline) to one stream of
 * daily records, with the summary after the last one. Files are read one after the other, each
 * streamed, so memory holds a chunk of input, the current day of the current file and, for
 * Umami, the open visits and days.
 */
import { ImportError } from './errors.js';
import { ByteReader } from './bytes/byte-reader.js';
import { inputStream, type ExportInput } from './bytes/input.js';
import { bytePair, mapStreamErrors } from './bytes/map-errors.js';
import { readZip } from './zip/read-zip.js';
import { readCsvRows } from './csv/read-csv.js';
import type { CsvRow } from './csv/csv-parser.js';
import { ContentHash } from './records.js';
import type { Aggregate } from './day-table.js';
import { TableReader } from './table-reader.js';
import {
  basename,
  PLAUSIBLE_DASHBOARD_FILES,
  plausibleFile,
  plausibleSpec,
} from './formats/plausible.js';
import { isUmamiHeader, UmamiReader } from './formats/umami.js';
import {
  parseManifest,
  SIGHTLINE_MANIFEST,
  sightlineReport,
  sightlineSpec,
  type SightlineManifest,
} from './formats/sightline.js';
import { localDay } from './local-day.js';
import { DEFAULT_LIMITS, type ReadLimits, type ReadOptions } from './options.js';
import type { Dimension, ExportFormat, FileSummary, ImportRecord, ImportSummary } from './types.js';

/** Files of Umami's dashboard download: each a period total (`x`, `y`), not daily. */
const UMAMI_DASHBOARD_FILES = new Set([
  'events.csv',
  'pages.csv',
  'referrers.csv',
  'browsers.csv',
  'os.csv',
  'devices.csv',
  'countries.csv',
]);
const MAX_MANIFEST_BYTES = 65_536;

interface InputFile {
  name: string;
  open(): ReadableStream<Uint8Array>;
  /** Loose files must end with a line break; in a container the checksum covers truncation. */
  loose: boolean;
}

/**
 * Reads an export. Iterate it once; `summary` is set when the iteration has completed.
 * Records come as they are read: a later error refuses the whole import, so apply them in one
 * transaction (or stage them) and commit only after the iteration ends without error.
 * @example
 * const reader = readExport(file, { timeZone: 'Europe/Berlin' });
 * for await (const record of reader) rows.push(record);
 * console.log(reader.summary?.contentHash);
 */
export function readExport(input: ExportInput, options: ReadOptions = {}): ExportReader {
  return new ExportReader(input, options);
}

export class ExportReader implements AsyncIterable<ImportRecord> {
  /** What the import held; null until the iteration has completed. */
  summary: ImportSummary | null = null;
  private started = false;

  constructor(
    private readonly input: ExportInput,
    private readonly options: ReadOptions,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<ImportRecord> {
    if (this.started) throw new Error('an ExportReader can be iterated once');
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<ImportRecord> {
    const limits: ReadLimits = { ...DEFAULT_LIMITS, ...this.options.limits };
    const { stream, name: inputName } = inputStream(this.input);
    const name = this.options.name ?? inputName ?? 'input';
    const bytes = new ByteReader(stream.getReader(), this.options.signal);
    const state = new ImportState(this.options, limits);
    let fileName = name;
    let settled = false;
    try {
      for await (const file of inputFiles(bytes, name, limits)) {
        fileName = file.name;
        // Records travel in batches (a day, a chunk): one async step per batch, not per record.
        for await (const batch of state.readFile(file)) for (const record of batch) yield record;
      }
      fileName = name;
      this.summary = await state.summary();
      settled = true;
    } catch (error) {
      settled = true;
      await bytes.cancel(error);
      if (error instanceof ImportError)
        throw error.file === undefined ? error.at({ file: fileName }) : error;
      throw error;
    } finally {
      // The consumer stopped early (break, return): release the input.
      if (!settled) await bytes.cancel();
    }
  }
}

/** The files of the input: a zip's entries, a gzip's content, or the input itself. */
async function* inputFiles(
  bytes: ByteReader,
  name: string,
  limits: ReadLimits,
): AsyncGenerator<InputFile> {
  if (!(await bytes.fill(4)) && bytes.available === 0)
    throw new ImportError('empty_input', 'the input is empty');
  const head = bytes.view();
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x05 && head[3] === 0x06)
    throw new ImportError('empty_input', 'the zip has no files');
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    for await (const entry of readZip(bytes, { maxEntryBytes: limits.maxEntryBytes })) {
      if (entry.directory) continue;
      yield { name: entry.name, open: () => entry.open(), loose: false };
    }
    return;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const inner = name.replace(/\.gz$/i, '');
    yield {
      name: inner === name ? `${name}.csv` : inner,
      loose: false,
      open: () =>
        mapStreamErrors(
          restOf(bytes).pipeThrough(bytePair(new DecompressionStream('gzip'))),
          (cause) =>
            new ImportError('gzip_corrupt', 'the gzip data is corrupt or cut short', {}, { cause }),
        ),
    };
    return;
  }
  if (head[0] === 0x50 && head[1] === 0x4b)
    throw new ImportError(
      'unsupported_input',
      'a zip this reader cannot read (split or spanned archives are not supported)',
    );
  yield { name, open: () => restOf(bytes), loose: true };
}

/** What is left of the byte reader, as a stream. */
function restOf(bytes: ByteReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await bytes.next(Infinity);
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

type Handler =
  | { kind: 'table'; table: string; reader: TableReader }
  | { kind: 'umami'; table: string; reader: UmamiReader };

class ImportState {
  private format: ExportFormat | null;
  private manifest: SightlineManifest | null = null;
  private readonly hash = new ContentHash();
  private readonly files: FileSummary[] = [];
  private readonly skipped: string[] = [];
  private readonly dimensions = new Set<Dimension>();
  private totals = false;
  private records = 0;
  private firstDay: string | null = null;
  private lastDay: string | null = null;
  private dayOf: ((ms: number) => string) | null = null;

  constructor(
    private readonly options: ReadOptions,
    private readonly limits: ReadLimits,
  ) {
    this.format = null;
  }

  async *readFile(file: InputFile): AsyncGenerator<ImportRecord[]> {
    const base = basename(file.name);
    if (!file.loose && base === SIGHTLINE_MANIFEST) {
      this.manifest = parseManifest(
        await readText(file.open(), MAX_MANIFEST_BYTES, file.name),
        file.name,
      );
      this.setFormat('sightline', file.name);
      return;
    }
    if (
      !file.loose &&
      (file.name.startsWith('__MACOSX/') || base.startsWith('.') || !/\.csv$/i.test(base))
    ) {
      this.skipped.push(file.name);
      return;
    }
    const summary: FileSummary = {
      name: file.name,
      table: '',
      rows: 0,
      records: 0,
      firstDay: null,
      lastDay: null,
      ignoredColumns: [],
    };
    let handler: Handler | null = null;
    const rows = readCsvRows(file.open(), { ...this.limits, requireFinalNewline: file.loose });
    for await (const batch of rows) {
      let start = 0;
      if (!handler) {
        const header = batch[0]!;
        handler = this.handlerFor(file, header);
        summary.table = handler.table;
        handler.reader.header(header.fields, header.line);
        summary.ignoredColumns = handler.reader.ignoredColumns;
        start = 1;
      }
      for (let i = start; i < batch.length; i++) {
        const done = this.row(handler, batch[i]!);
        if (done) yield await this.emit(done.day, done.aggregates, summary);
      }
      if (handler.kind === 'umami')
        for (const day of handler.reader.collect())
          yield await this.emit(day.day, day.aggregates, summary);
    }
    if (!handler)
      throw new ImportError('empty_file', 'the file has no header row', { file: file.name });
    if (handler.kind === 'table') {
      const last = handler.reader.end();
      if (last) yield await this.emit(last.day, last.aggregates, summary);
    } else
      for (const day of handler.reader.end())
        yield await this.emit(day.day, day.aggregates, summary);
    summary.rows = handler.reader.rows;
    this.files.push(summary);
  }

  private row(handler: Handler, row: CsvRow): { day: string; aggregates: Aggregate[] } | null {
    if (handler.kind === 'table') return handler.reader.row(row.fields, row.line);
    handler.reader.row(row.fields, row.line);
    return null;
  }

  private handlerFor(file: InputFile, header: CsvRow): Handler {
    const base = basename(file.name);
    const fields = header.fields;
    const plausible = plausibleFile(file.name);
    const common = {
      file: file.name,
      duplicates: this.options.duplicates ?? 'error',
      maxRowsPerDay: this.limits.maxRowsPerDay,
    } as const;
    if (plausible) {
      this.setFormat('plausible', file.name);
      const names = {
        ...(this.options.regionName && { regionName: this.options.regionName }),
        ...(this.options.cityName && { cityName: this.options.cityName }),
      };
      const spec = plausibleSpec(plausible.table, names);
      return {
        kind: 'table',
        table: spec.table,
        reader: new TableReader(spec, { ...common, range: plausible.range }),
      };
    }
    // In a zip with its manifest, the name says the report; a loose file's header does.
    const report = this.manifest ? sightlineReport(file.name) : sightlineReport('', fields);
    if (report) {
      this.setFormat('sightline', file.name);
      const range = this.manifest ? { first: this.manifest.from, last: this.manifest.to } : null;
      return {
        kind: 'table',
        table: report,
        reader: new TableReader(sightlineSpec(report), { ...common, range }),
      };
    }
    if (isUmamiHeader(fields)) {
      this.setFormat('umami', file.name);
      this.dayOf ??= localDay(this.options.timeZone ?? 'UTC');
      return {
        kind: 'umami',
        table: 'website_event',
        reader: new UmamiReader(
          file.name,
          {
            latenessMs: this.limits.latenessMs,
            visitGapMs: this.limits.visitGapMs,
            maxOpenVisits: this.limits.maxOpenVisits,
            maxDayEntries: this.limits.maxDayEntries,
          },
          this.dayOf,
        ),
      };
    }
    if (PLAUSIBLE_DASHBOARD_FILES.has(base) || UMAMI_DASHBOARD_FILES.has(base))
      throw new ImportError(
        'unsupported_export',
        `${base} is from a dashboard download, which holds totals for its whole period, not days: ` +
          `use Plausible's Settings → Imports & Exports → Export to CSV, or Umami's data export`,
        { file: file.name },
      );
    throw new ImportError(
      file.loose ? 'unknown_format' : 'unknown_file',
      file.loose
        ? 'not a Plausible, Umami or Sightline export (name or header not recognised)'
        : 'a CSV file that is not part of a Plausible, Umami or Sightline export',
      { file: file.name, line: header.line },
    );
  }

  private setFormat(format: ExportFormat, file: string): void {
    const expected = this.format ?? this.options.format ?? format;
    if (expected !== format)
      throw new ImportError('mixed_formats', `a ${format} file in a ${expected} import`, { file });
    this.format = format;
  }

  private async emit(
    day: string,
    aggregates: Aggregate[],
    file: FileSummary,
  ): Promise<ImportRecord[]> {
    if (aggregates.length === 0) return [];
    const records = await this.hash.add(day, aggregates).catch((error: unknown) => {
      throw error instanceof ImportError ? error.at({ file: file.name }) : error;
    });
    if (this.firstDay === null || day < this.firstDay) this.firstDay = day;
    if (this.lastDay === null || day > this.lastDay) this.lastDay = day;
    if (file.firstDay === null || day < file.firstDay) file.firstDay = day;
    if (file.lastDay === null || day > file.lastDay) file.lastDay = day;
    file.records += records.length;
    this.records += records.length;
    for (const r of records) {
      if (r.kind === 'total') this.totals = true;
      else this.dimensions.add(r.dimension);
    }
    return records;
  }

  async summary(): Promise<ImportSummary> {
    if (!this.format) throw new ImportError('unknown_format', 'the input holds no export files');
    return {
      format: this.format,
      contentHash: await this.hash.digest(),
      records: this.records,
      firstDay: this.firstDay,
      lastDay: this.lastDay,
      dimensions: [...this.dimensions].sort(),
      totals: this.totals,
      timeZone:
        this.format === 'sightline'
          ? (this.manifest?.timeZone ?? null)
          : this.format === 'umami'
            ? (this.options.timeZone ?? 'UTC')
            : null,
      files: this.files,
      skipped: this.skipped,
    };
  }
}

async function readText(
  stream: ReadableStream<Uint8Array>,
  max: number,
  file: string,
): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new ImportError('invalid_manifest', `the manifest is larger than ${max} bytes`, {
        file,
      });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.length) - c.length);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch (cause) {
    throw new ImportError('invalid_utf8', 'the manifest is not UTF-8', { file }, { cause });
  }
}
