/**
 * A small RFC 4180 reader (quoted fields, doubled quotes, CRLF, a leading BOM): enough for the
 * session exports the value score is fitted and evaluated on, with no dependency.
 */
import { ScoreScriptError } from './errors.js';

export interface Table {
  header: string[];
  /** Data rows, each as long as the header. */
  rows: string[][];
  /** 1-based file line of each row, for error messages. */
  lines: number[];
}

function splitRecords(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = (): void => {
    fields.push(field);
    records.push({ fields, line: start });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      } else if (ch === '\r') line++;
      endRecord();
      start = line;
    } else field += ch;
  }
  if (quoted) throw new ScoreScriptError('csv_malformed', `unterminated quote from line ${start}`);
  if (field !== '' || fields.length > 0) endRecord();
  // Blank lines carry no record.
  return records.filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === ''));
}

/** Parses CSV text with a header row; throws `csv_malformed` on ragged rows or no header. */
export function parseCsv(text: string): Table {
  const records = splitRecords(text.replace(/^\uFEFF/, ''));
  const head = records.shift();
  if (!head) throw new ScoreScriptError('csv_malformed', 'the file is empty (no header row)');
  const header = head.fields.map((h) => h.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records) {
    if (r.fields.length !== header.length) {
      throw new ScoreScriptError(
        'csv_malformed',
        `line ${r.line}: ${r.fields.length} fields, the header has ${header.length}`,
      );
    }
    rows.push(r.fields.map((f) => f.trim()));
    lines.push(r.line);
  }
  return { header, rows, lines };
}
