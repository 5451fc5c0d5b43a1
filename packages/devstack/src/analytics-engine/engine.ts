/**
 * The local Analytics Engine itself: ClickHouse in process (chdb) on a data directory, one
 * connection that writes (creates dataset tables, inserts) and one read-only connection that
 * runs checked queries. Runs inside the engine process (process.ts), never in the devstack's
 * own process: chdb binds one data directory per process and a crash there must not take the
 * stack down.
 */
import { createRequire } from 'node:module';
import type * as chdb from 'chdb';
import type { Session } from 'chdb';
import { checkExplainAst } from './check-ast.js';
import { checkQueryText } from './check-text.js';
import { COLUMNS, DATABASE, createTableSql, isDatasetName } from './columns.js';
import { encodeDataPoint, InvalidDataPointError, type WireDataPoint } from './data-points.js';
import { tokenize } from './lexer.js';
import { AnalyticsEngineQueryError } from './query-error.js';
import { UNSUPPORTED_WORDS, type SqlFormat } from './sql-reference.js';

export interface QueryResult {
  body: string;
  contentType: string;
}

const CONTENT_TYPES: Record<SqlFormat, string> = {
  JSON: 'application/json; charset=utf-8',
  JSONEachRow: 'application/x-ndjson; charset=utf-8',
  TabSeparated: 'text/tab-separated-values; charset=utf-8',
};

/** What the SHOW statements run. */
const SHOW_SQL = {
  'show-tables': `SELECT name AS dataset FROM system.tables WHERE database = '${DATABASE}' ORDER BY name`,
  'show-timezones': 'SELECT time_zone AS timezone FROM system.time_zones ORDER BY time_zone',
  'show-timezone': "SELECT 'Etc/UTC' AS timezone",
} as const;

/** ClickHouse's error text without its "Code: n. DB::Exception:" frame and "(NAME)" suffix. */
function engineMessage(error: unknown): { message: string; name: string } {
  const text = error instanceof Error ? error.message : String(error);
  const name = /\(([A-Z_]+)\)(?: \(version [^)]*\))?\.?\s*$/.exec(text)?.[1] ?? '';
  const message = text
    .replace(/^(Query failed: )?Code: \d+\. DB::Exception: /, '')
    .replace(/ In scope [\s\S]*$/, '')
    .replace(/\s*\([A-Z_]+\)(?: \(version [^)]*\))?\.?\s*$/, '')
    .trim();
  return { message, name };
}

function asQueryError(error: unknown): AnalyticsEngineQueryError {
  if (error instanceof AnalyticsEngineQueryError) return error;
  const { message, name } = engineMessage(error);
  if (name === 'SYNTAX_ERROR')
    return new AnalyticsEngineQueryError('SYNTAX_ERROR', message, { cause: error });
  if (name === 'UNKNOWN_TABLE')
    return new AnalyticsEngineQueryError('UNKNOWN_DATASET', message, { cause: error });
  return new AnalyticsEngineQueryError('QUERY_FAILED', message, { cause: error });
}

/** A string literal for ClickHouse: backslash and quote escaped. */
const literal = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Words the formatter's output must not contain: the unsupported ones, and LIMIT … BY. */
function checkCanonical(sql: string): void {
  const tokens = tokenize(sql);
  tokens.forEach((t, i) => {
    if (t.kind === 'op' && t.text === ';')
      throw new AnalyticsEngineQueryError(
        'UNSUPPORTED_STATEMENT',
        'only one statement per request',
      );
    if (t.kind !== 'word') return;
    const word = t.value.toUpperCase();
    const unsupported = UNSUPPORTED_WORDS[word];
    if (unsupported)
      throw new AnalyticsEngineQueryError(
        'UNSUPPORTED_CONSTRUCT',
        `${unsupported} is not supported`,
      );
    const previous = tokens[i - 1]?.value.toUpperCase();
    if (word === 'DISTINCT' && previous === 'SELECT') {
      throw new AnalyticsEngineQueryError(
        'UNSUPPORTED_CONSTRUCT',
        'SELECT DISTINCT is not supported; use GROUP BY',
      );
    }
    if (word === 'BY' && previous !== 'GROUP' && previous !== 'ORDER') {
      throw new AnalyticsEngineQueryError('UNSUPPORTED_CONSTRUCT', 'LIMIT … BY is not supported');
    }
  });
}

export class LocalAnalyticsEngine {
  private readonly datasets = new Set<string>();
  private readonly pending = new Map<
    string,
    { rows: string[]; done: (() => void)[]; failed: ((e: unknown) => void)[] }
  >();
  private flushing: Promise<void> | undefined;

  private constructor(
    private readonly writer: Session,
    private readonly reader: Session,
  ) {}

  /**
   * Opens (or creates) the engine's data in `dir`.
   *
   * @example
   * const engine = await LocalAnalyticsEngine.open('.sightline/devstack/analytics-engine');
   * await engine.write('events', [{ indexes: ['site'], blobs: ['/'], doubles: [1] }]);
   */
  static async open(dir: string): Promise<LocalAnalyticsEngine> {
    // Resolved as start.ts checked for it (CommonJS resolution, NODE_PATH included).
    const { Session: ChdbSession } = createRequire(import.meta.url)('chdb') as typeof chdb;
    // Analytics Engine's SQL API runs in UTC ("SHOW TIMEZONE … should always be Etc/UTC").
    const writer = new ChdbSession(dir, { connectionArgs: ['--session_timezone=Etc/UTC'] });
    await writer.queryAsync(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
    const reader = new ChdbSession(dir, {
      connectionArgs: [
        '--readonly=1',
        '--session_timezone=Etc/UTC',
        '--output_format_write_statistics=0',
        // Analytics Engine answers 64-bit numbers as JSON strings (its clients convert them by
        // the `meta` type), including Float64 sums.
        '--output_format_json_quote_64bit_integers=1',
        '--output_format_json_quote_64bit_floats=1',
      ],
    });
    await reader.queryAsync(`USE ${DATABASE}`);
    const engine = new LocalAnalyticsEngine(writer, reader);
    const tables = await writer.queryAsync(
      `SELECT name FROM system.tables WHERE database = ${literal(DATABASE)}`,
      { format: 'JSONEachRow' },
    );
    for (const line of tables.text().split('\n').filter(Boolean)) {
      engine.datasets.add((JSON.parse(line) as { name: string }).name);
    }
    return engine;
  }

  /** The datasets written so far (the tables `SHOW TABLES` lists). */
  listDatasets(): string[] {
    return [...this.datasets].sort();
  }

  /**
   * Runs one SQL API request body: checked against the reference, then answered in the
   * requested format. Throws AnalyticsEngineQueryError for anything refused or failing.
   */
  async query(text: string): Promise<QueryResult> {
    const checked = checkQueryText(text);
    const { format } = checked;
    const sql =
      checked.kind === 'select' ? await this.canonical(checked.sql) : SHOW_SQL[checked.kind];
    try {
      const result = await this.reader.queryAsync(sql, { format });
      return { body: result.text(), contentType: CONTENT_TYPES[format] };
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /** ClickHouse's own formatting of one statement, checked as it will run. */
  private async canonical(sql: string): Promise<string> {
    try {
      const formatted = (
        await this.reader.queryAsync(`SELECT formatQuery(${literal(sql)})`, {
          format: 'TabSeparatedRaw',
        })
      )
        .text()
        .trimEnd();
      // TabSeparatedRaw writes the multi-line text as it is; one statement came back.
      checkCanonical(formatted);
      const explain = await this.reader.queryAsync(`EXPLAIN AST ${formatted}`, {
        format: 'TabSeparatedRaw',
      });
      checkExplainAst(explain.text(), this.datasets);
      return formatted;
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /**
   * Appends points to `dataset` (created on first write) and resolves once they are visible
   * to queries, with the number of points accepted (those past the retention are dropped).
   * Writes that arrive while an insert runs go out together in the next one.
   */
  async write(dataset: string, points: WireDataPoint[]): Promise<number> {
    if (!isDatasetName(dataset)) throw new InvalidDataPointError(`invalid dataset name ${dataset}`);
    const now = Date.now();
    const rows = points.map((point) => encodeDataPoint(dataset, point, now)).filter(Boolean);
    if (rows.length === 0) return points.length;
    await new Promise<void>((resolve, reject) => {
      const queue = this.pending.get(dataset) ?? { rows: [], done: [], failed: [] };
      this.pending.set(dataset, queue);
      for (const row of rows) queue.rows.push(row);
      queue.done.push(resolve);
      queue.failed.push(reject);
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
    return points.length;
  }

  private async flush(): Promise<void> {
    while (this.pending.size > 0) {
      const [dataset, queue] = this.pending.entries().next().value!;
      this.pending.delete(dataset);
      try {
        if (!this.datasets.has(dataset)) {
          await this.writer.queryAsync(createTableSql(dataset));
          this.datasets.add(dataset);
        }
        // Inline data after FORMAT (chdb's insert helper takes no quoted names, and dataset
        // names may contain '-').
        await this.writer.queryAsync(
          `INSERT INTO ${DATABASE}.\`${dataset}\` (${COLUMNS.join(', ')}) FORMAT TabSeparated\n${queue.rows.join('')}`,
        );
        for (const done of queue.done) done();
      } catch (error) {
        for (const failed of queue.failed) failed(error);
      }
    }
  }

  close(): void {
    this.reader.close();
    this.writer.close();
  }
}
