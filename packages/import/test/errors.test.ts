import { describe, expect, it } from 'vitest';
import { collect } from '../src/testing.js';
import { ImportError } from '../src/index.js';
import { bytesOf, clickhouseCsv, plausibleFiles, plausibleZip, RANGE } from './fixtures.js';
import { refused, text } from './helpers.js';

const VISITORS = `imported_visitors_${RANGE}.csv`;
const header = 'date,visitors,pageviews,bounces,visits,visit_duration\n';
const bytes = (body: string | Uint8Array) => (typeof body === 'string' ? text(body) : body);
/** A loose visitors CSV that must be refused with `code`. */
const looseRefused = (
  body: string | Uint8Array,
  code: Parameters<typeof refused>[1],
  options: Parameters<typeof refused>[2] = {},
) => refused(bytes(body), code, { name: VISITORS, ...options });
const cat = (...parts: (string | number[])[]) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? text(p) : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
};

describe('refusals name the file, line and column', () => {
  it('values: dates, counts', async () => {
    expect(await looseRefused(`${header}2024-01-32,1,1,1,1,0\n`, 'invalid_date')).toMatchObject({
      file: VISITORS,
      line: 2,
      column: 1,
      columnName: 'date',
    });
    expect(
      await looseRefused(`${header}1970-01-01,1,1,1,1,0\n`, 'date_out_of_range'),
    ).toMatchObject({ line: 2, column: 1 });
    expect(await looseRefused(`${header}2024-01-01,-3,1,1,1,0\n`, 'negative_number')).toMatchObject(
      { line: 2, column: 2, columnName: 'visitors' },
    );
    expect(await looseRefused(`${header}2024-01-01,1,1.5,1,1,0\n`, 'invalid_number')).toMatchObject(
      { line: 2, column: 3, columnName: 'pageviews' },
    );
    expect(await looseRefused(`${header}2024-01-01,1,,1,1,0\n`, 'invalid_number')).toMatchObject({
      column: 3,
    });
    expect(
      await looseRefused(`${header}2024-01-01,1,1,1,1,99999999999999999999\n`, 'number_too_large'),
    ).toMatchObject({ column: 6, columnName: 'visit_duration' });
  });

  it('header: missing and repeated columns', async () => {
    const e = await looseRefused('date,visitors\n', 'missing_column');
    expect(e.line).toBe(1);
    expect(e.message).toContain('pageviews, bounces, visits, visit_duration');
    expect(
      await looseRefused(
        'date,visitors,visitors,pageviews,bounces,visits,visit_duration\n',
        'duplicate_column',
      ),
    ).toMatchObject({ line: 1, column: 3 });
    await looseRefused('', 'empty_input');
    await refused(await plausibleZip({ [VISITORS]: '' }), 'empty_file');
  });

  it('CSV syntax', async () => {
    expect(await looseRefused(`${header}2024-01-01,1,1,1,1\n`, 'field_count')).toMatchObject({
      line: 2,
    });
    expect(
      await looseRefused(`${header}"2024-01-01,1,1,1,1,0\n`, 'unterminated_quote'),
    ).toMatchObject({ line: 2, column: 1 });
    expect(
      await looseRefused(`${header}2024-01-01,1,1,1,1,0\n20"24-01-02,1,1,1,1,0\n`, 'invalid_quote'),
    ).toMatchObject({ line: 3, column: 1 });
    expect(await looseRefused(`${header}"2024-01-01"x,1,1,1,1,0\n`, 'invalid_quote')).toMatchObject(
      { line: 2, column: 1 },
    );
    expect(await looseRefused(`${header}2024-01-01,1,1,1,1,0`, 'csv_truncated')).toMatchObject({
      line: 2,
    });
    expect(
      await looseRefused(`${header}"2024-01-01${'x'.repeat(30)}",1,1,1,1,0\n`, 'field_too_large', {
        limits: { maxFieldLength: 20 },
      }),
    ).toMatchObject({ line: 2, column: 1 });
    await looseRefused(`${header}${'1,'.repeat(300)}1\n`, 'too_many_columns');
  });

  it('encoding: NUL, invalid UTF-8, encoded surrogates, UTF-16', async () => {
    expect(
      await looseRefused(`${header}2024-01-01,1,1,1\u0000,1,0\n`, 'nul_character'),
    ).toMatchObject({ line: 2, column: 4 });
    const invalid = await looseRefused(
      cat(header, '2024-01-01,1,1,1,1,0\n"/caf', [0xc3, 0x28], '"\n'),
      'invalid_utf8',
    );
    expect(invalid).toMatchObject({ line: 3, column: 1 });
    // U+D800 encoded in UTF-8 (CESU-8 / WTF-8): an unpaired surrogate is not text.
    expect(
      await looseRefused(
        cat(header, '2024-01-01,1,1,1,1,0\n2024-01-02,', [0xed, 0xa0, 0x80], ',1,1,1,0\n'),
        'invalid_utf8',
      ),
    ).toMatchObject({ line: 3, column: 2 });
    // Cut in the middle of a character at the very end.
    await looseRefused(cat(header, [0xe2, 0x82]), 'invalid_utf8');
    await looseRefused(cat([0xff, 0xfe], 'd\u0000'), 'unsupported_encoding');
    // A byte order mark is fine.
    const { records } = await collect(cat([0xef, 0xbb, 0xbf], `${header}2024-01-01,1,1,1,1,0\n`), {
      name: VISITORS,
    });
    expect(records).toHaveLength(1);
  });

  it('zips cut short anywhere, or with a changed byte, are refused', async () => {
    const zip = await plausibleZip(plausibleFiles());
    for (const cut of [
      10,
      40,
      200,
      Math.floor(zip.length / 2),
      zip.length - 200,
      zip.length - 30,
      zip.length - 1,
    ]) {
      const error = await collect(zip.subarray(0, cut)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `cut at ${cut}`).toBeInstanceOf(ImportError);
      expect([
        'zip_truncated',
        'zip_corrupt',
        'zip_checksum',
        'field_count',
        'csv_truncated',
      ]).toContain((error as ImportError).code);
    }
    expect((await refused(zip.subarray(0, zip.length - 10), 'zip_truncated')).message).toContain(
      'incomplete',
    );
    // A digit changed inside the stored data: the CRC no longer matches.
    const changed = zip.slice();
    const at = Buffer.from(changed).indexOf('"2024-01-01",119');
    changed[at + 14] = 0x32;
    const error = await refused(changed, 'zip_checksum');
    expect(error.file).toMatch(/\.csv$/);
  });

  it('gzip: corrupt or cut short', async () => {
    const gz = await bytesOf(
      new Blob([clickhouseCsv(['session_id', 'created_at', 'url_path', 'event_type'], [])])
        .stream()
        .pipeThrough(new CompressionStream('gzip')) as ReadableStream<Uint8Array>,
    );
    await refused(gz.subarray(0, gz.length - 4), 'gzip_corrupt', { name: 'website_event.csv.gz' });
    await refused(text('PK\u0007\u0008'), 'unsupported_input');
  });

  it('serialises to JSON with its code and place, and keeps the cause', async () => {
    const e = await looseRefused(`${header}2024-13-01,1,1,1,1,0\n`, 'invalid_date');
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'ImportError',
      code: 'invalid_date',
      message: e.message,
      file: VISITORS,
      line: 2,
      column: 1,
      columnName: 'date',
    });
    expect(e.message).toBe(
      `${VISITORS}, line 2, column 1 (date): not a date (YYYY-MM-DD): "2024-13-01"`,
    );
    const z = await looseRefused(cat(header, [0xc3, 0x28], '\n'), 'invalid_utf8');
    expect(z.cause).toBeInstanceOf(TypeError);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await looseRefused(`${header}`, 'aborted', { name: VISITORS, signal: controller.signal });
  });
});
