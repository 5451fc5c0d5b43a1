/**
 * A streaming RFC 4180 parser: comma-separated, fields optionally in double quotes with `""` for
 * a quote, rows ended by CRLF, LF or CR. Text arrives in chunks of any size; rows come out with
 * the line they start on. It is strict where exporters are: a quote inside an unquoted field or
 * text after a closing quote is an error, not a guess. Blank lines are skipped. Field length and
 * field count are bounded, so a malformed file cannot make it hold unbounded text.
 */
import { ImportError } from '../errors.js';

export interface CsvRow {
  fields: string[];
  /** Line the row starts on (1-based). */
  line: number;
}

export interface CsvLimits {
  maxFieldLength: number;
  maxColumns: number;
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

export class CsvParser {
  /** Rows completed and not yet taken. */
  rows: CsvRow[] = [];
  /** The first syntax error; parsing stops there (rows before it are still in `rows`). */
  error: ImportError | null = null;
  /** Current line (1-based). */
  line = 1;
  /** Whether the text so far ends with a line break (or is empty). */
  endsWithNewline = true;
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  private rowLine = 1;
  private quoteLine = 1;

  constructor(private readonly limits: CsvLimits) {}

  /** Whether the text so far ends inside a quoted field. */
  get inQuotedField(): boolean {
    return this.state === State.Quoted;
  }

  /** The current position, for errors found outside the parser (encoding). */
  get column(): number {
    return this.fields.length + 1;
  }

  push(text: string): void {
    if (this.error || text.length === 0) return;
    try {
      this.parse(text);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      this.error = error;
    }
  }

  /** Ends the text: completes the last row, or records an unterminated quote. */
  end(): void {
    if (this.error) return;
    if (this.state === State.Quoted) {
      this.error = new ImportError('unterminated_quote', 'a quoted field is never closed', {
        line: this.quoteLine,
        column: this.column,
      });
      return;
    }
    if (this.state === State.AfterCr) return;
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField(this.field);
      this.endRow();
    }
  }

  private parse(text: string): void {
    const n = text.length;
    let i = 0;
    this.endsWithNewline = false;
    while (i < n) {
      switch (this.state) {
        case State.AfterCr: {
          if (text.charCodeAt(i) === LF) i++;
          this.line++;
          this.state = State.FieldStart;
          break;
        }
        case State.FieldStart: {
          if (this.fields.length === 0) this.rowLine = this.line;
          if (text.charCodeAt(i) === QUOTE) {
            this.quoted = true;
            this.quoteLine = this.line;
            this.state = State.Quoted;
            i++;
            break;
          }
          this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          const start = i;
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
            i++;
          }
          this.append(text, start, i);
          if (i === n) break;
          if (c === QUOTE) throw this.fail('invalid_quote', 'a quote inside an unquoted field');
          i = this.delimiter(c, i);
          break;
        }
        case State.Quoted: {
          const close = text.indexOf('"', i);
          const end = close === -1 ? n : close;
          for (
            let nl = text.indexOf('\n', i);
            nl !== -1 && nl < end;
            nl = text.indexOf('\n', nl + 1)
          )
            this.line++;
          this.append(text, i, end);
          i = end;
          if (close !== -1) {
            this.state = State.QuoteInQuoted;
            i++;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.append('"', 0, 1);
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA || c === LF || c === CR) i = this.delimiter(c, i);
          else throw this.fail('invalid_quote', 'text after the closing quote of a field');
          break;
        }
      }
    }
    this.endsWithNewline =
      this.state === State.AfterCr || (this.state === State.FieldStart && this.fields.length === 0);
  }

  /** Ends the field at a comma or line break at `i`; returns the next index. */
  private delimiter(c: number, i: number): number {
    this.endField(this.field);
    this.field = '';
    if (c === COMMA) {
      this.state = State.FieldStart;
      return i + 1;
    }
    this.endRow();
    if (c === LF) {
      this.line++;
      this.state = State.FieldStart;
    } else this.state = State.AfterCr;
    return i + 1;
  }

  private append(text: string, start: number, end: number): void {
    if (end === start) return;
    if (this.field.length + (end - start) > this.limits.maxFieldLength)
      throw this.fail(
        'field_too_large',
        `a field longer than ${this.limits.maxFieldLength} characters`,
      );
    this.field += start === 0 && end === text.length ? text : text.slice(start, end);
  }

  private endField(value: string): void {
    if (this.fields.length >= this.limits.maxColumns)
      throw this.fail('too_many_columns', `a row with more than ${this.limits.maxColumns} fields`);
    this.fields.push(value);
  }

  private endRow(): void {
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    const blank = fields.length === 1 && fields[0] === '' && !this.quoted;
    this.quoted = false;
    if (!blank) this.rows.push({ fields, line: this.rowLine });
  }

  private fail(code: 'invalid_quote' | 'field_too_large' | 'too_many_columns', message: string) {
    return new ImportError(code, message, { line: this.line, column: this.column });
  }
}
