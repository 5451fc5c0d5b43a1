/**
 * Writes CSV lines that `CsvParser` reads back exactly: text fields quoted, `"` doubled, numbers
 * as they are, null as an empty field, lines ended by `\n`.
 */

/** @example csvLine(['2024-01-01', '/a,b', 3, null]) // '2024-01-01,"/a,b",3,\n' */
export function csvLine(fields: readonly (string | number | null)[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (i > 0) line += ',';
    if (f === null || f === undefined) continue;
    if (typeof f === 'number') line += String(f);
    else line += `"${f.replaceAll('"', '""')}"`;
  }
  return `${line}\n`;
}
