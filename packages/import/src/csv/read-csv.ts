/**
 * Bytes to CSV rows: strict UTF-8 (a leading byte order mark is dropped), no NUL characters, and
 * every refusal placed at the line and column where it happens. Rows come out in batches, one
 * per chunk of input, so memory holds one chunk's rows at a time.
 */
import { ImportError } from '../errors.js';
import { CsvParser, type CsvLimits, type CsvRow } from './csv-parser.js';
import { firstInvalidUtf8, incompleteTail } from './utf8.js';

export interface ReadCsvOptions extends CsvLimits {
  /** Refuse text that does not end with a line break (a standalone file cut short). */
  requireFinalNewline: boolean;
}

/** @example for await (const rows of readCsvRows(body, options)) for (const row of rows) … */
export async function* readCsvRows(
  stream: ReadableStream<Uint8Array>,
  options: ReadCsvOptions,
): AsyncGenerator<CsvRow[]> {
  const reader = stream.getReader();
  const parser = new CsvParser(options);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (first && value.length >= 2 && isUtf16Bom(value))
        throw new ImportError(
          'unsupported_encoding',
          'the file is UTF-16; export or save it as UTF-8',
        );
      let text: string;
      try {
        text = decoder.decode(value, { stream: true });
      } catch (cause) {
        yield* invalidAt(parser, concat(carry, value), first, cause);
        return;
      }
      first = false;
      carry = pending(carry, value);
      yield* take(parser, text);
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch (cause) {
      yield* invalidAt(parser, carry, first, cause);
      return;
    }
    yield* take(parser, rest);
    if (options.requireFinalNewline && !parser.endsWithNewline && !parser.inQuotedField)
      throw new ImportError(
        'csv_truncated',
        'the file does not end with a line break: it looks cut short',
        { line: parser.line },
      );
    parser.end();
    yield* drain(parser);
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function* take(parser: CsvParser, text: string): Generator<CsvRow[]> {
  const nul = text.indexOf('\0');
  parser.push(nul === -1 ? text : text.slice(0, nul));
  yield* drain(parser);
  if (nul !== -1)
    throw new ImportError('nul_character', 'a NUL character: this is not a text file', {
      line: parser.line,
      column: parser.column,
    });
}

function* drain(parser: CsvParser): Generator<CsvRow[]> {
  if (parser.rows.length) {
    const rows = parser.rows;
    parser.rows = [];
    yield rows;
  }
  if (parser.error) throw parser.error;
}

/** Parses the well-formed text before the first invalid byte, then refuses at that place. */
function* invalidAt(
  parser: CsvParser,
  bytes: Uint8Array,
  first: boolean,
  cause: unknown,
): Generator<CsvRow[]> {
  let bad = firstInvalidUtf8(bytes, true);
  if (bad === -1) bad = bytes.length;
  yield* take(
    parser,
    new TextDecoder('utf-8', { ignoreBOM: !first }).decode(bytes.subarray(0, bad)),
  );
  throw new ImportError(
    'invalid_utf8',
    `invalid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}): the file must be UTF-8`,
    { line: parser.line, column: parser.column },
    { cause },
  );
}

/** The bytes of a character still incomplete after `previous` + `chunk`. */
function pending(previous: Uint8Array, chunk: Uint8Array): Uint8Array {
  const last =
    chunk.length >= 3 ? chunk.subarray(chunk.length - 3) : concat(previous, chunk).slice(-3);
  return last.slice(last.length - incompleteTail(last));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const isUtf16Bom = (b: Uint8Array) =>
  (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
