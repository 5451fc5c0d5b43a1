/**
 * The one error class of the package. Every refusal carries a stable `code`, and where it is
 * about a place in the input, the file (the entry inside a zip, or the input's name), the line
 * and the column (1-based CSV field number, with the header's name for it).
 */

export const IMPORT_ERROR_CODES = [
  // The input as a whole
  'empty_input',
  'unsupported_input',
  'unsupported_encoding',
  'unknown_format',
  'unsupported_export',
  'mixed_formats',
  'aborted',
  // Containers
  'zip_truncated',
  'zip_corrupt',
  'zip_checksum',
  'zip_unsupported',
  'entry_too_large',
  'gzip_corrupt',
  // Files inside an export
  'unknown_file',
  'invalid_file_name',
  'invalid_manifest',
  'overlapping_files',
  'empty_file',
  // CSV syntax and text
  'invalid_utf8',
  'nul_character',
  'unterminated_quote',
  'invalid_quote',
  'field_count',
  'field_too_large',
  'too_many_columns',
  'csv_truncated',
  // Header and values
  'missing_column',
  'duplicate_column',
  'invalid_date',
  'date_out_of_range',
  'date_outside_file_range',
  'invalid_number',
  'negative_number',
  'number_too_large',
  'invalid_timestamp',
  'invalid_value',
  'inconsistent_measures',
  // Consistency and memory bounds
  'duplicate_row',
  'unsorted_dates',
  'events_out_of_order',
  'day_too_large',
  'too_many_open_visits',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** Where in the input an error is. */
export interface ImportErrorLocation {
  /** The file: the entry's path inside a zip, else the input's name. */
  file?: string;
  /** 1-based line of the file (a quoted field may span lines: the line where its row starts). */
  line?: number;
  /** 1-based CSV field number. */
  column?: number;
  /** The header's name of that column. */
  columnName?: string;
}

/**
 * @example
 * try { for await (const r of readExport(file)) save(r); }
 * catch (e) { if (e instanceof ImportError) show(e.code, e.file, e.line, e.column); }
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly code: ImportErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly columnName: string | undefined;

  constructor(
    code: ImportErrorCode,
    message: string,
    location: ImportErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(withLocation(message, location), options);
    this.code = code;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.columnName = location.columnName;
  }

  /** A copy with the location filled in where this error has none. */
  at(location: ImportErrorLocation): ImportError {
    const merged = {
      file: this.file ?? location.file,
      line: this.line ?? location.line,
      column: this.column ?? location.column,
      columnName: this.columnName ?? location.columnName,
    };
    return new ImportError(this.code, this.reason, merged, { cause: this.cause });
  }

  /** The message without the location prefix. */
  get reason(): string {
    const prefix = withLocation('', this);
    return prefix ? this.message.slice(prefix.length) : this.message;
  }

  toJSON(): {
    name: string;
    code: ImportErrorCode;
    message: string;
    file?: string;
    line?: number;
    column?: number;
    columnName?: string;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.file !== undefined && { file: this.file }),
      ...(this.line !== undefined && { line: this.line }),
      ...(this.column !== undefined && { column: this.column }),
      ...(this.columnName !== undefined && { columnName: this.columnName }),
    };
  }
}

function withLocation(message: string, l: ImportErrorLocation): string {
  const parts: string[] = [];
  if (l.file !== undefined) parts.push(l.file);
  if (l.line !== undefined) parts.push(`line ${l.line}`);
  if (l.column !== undefined)
    parts.push(`column ${l.column}${l.columnName ? ` (${l.columnName})` : ''}`);
  return parts.length ? `${parts.join(', ')}: ${message}` : message;
}
