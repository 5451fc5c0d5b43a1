/**
 * The allowed SQL is written down twice, as code (src/analytics-engine/sql-reference.ts) and as
 * the table in docs/devstack.md: they must name the same functions. The text check's own
 * refusals are tested here without an engine; the engine tests cover both checks together.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkQueryText } from '../src/analytics-engine/check-text.js';
import { SQL_FUNCTIONS } from '../src/analytics-engine/sql-reference.js';

describe('the allowed set', () => {
  it('docs/devstack.md lists exactly the functions of sql-reference.ts', async () => {
    const doc = await readFile(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'devstack.md'),
      'utf8',
    );
    const table = /<!-- functions:start -->([\s\S]*)<!-- functions:end -->/.exec(doc)?.[1] ?? '';
    const documented = new Set([...table.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual(SQL_FUNCTIONS.map((f) => f.name).sort());
  });

  it('renames functions whose ClickHouse namesake behaves differently, and the compatibility form', () => {
    expect(
      checkQueryText('SELECT length(blob1), SUBSTRING(blob1, 2), toStartOfWeek(timestamp) FROM t'),
    ).toEqual({
      kind: 'select',
      sql: 'SELECT lengthUTF8 ( blob1 ) , substringUTF8 ( blob1 , 2 ) , toMonday ( timestamp ) FROM t',
      format: 'JSON',
    });
    expect(
      checkQueryText(
        'SELECT quantileWeighted(0.5, double1, _sample_interval) FROM t FORMAT TabSeparated',
      ),
    ).toEqual({
      kind: 'select',
      sql: 'SELECT quantileExactWeighted ( 0.5 )( double1 , _sample_interval ) FROM t',
      format: 'TabSeparated',
    });
  });

  it('reads the FORMAT clause and LIMIT ALL, and keeps the format() function', () => {
    expect(
      checkQueryText("SELECT format('{}', blob1) FROM t LIMIT ALL FORMAT JSONEachRow;"),
    ).toEqual({
      kind: 'select',
      sql: "SELECT format ( '{}' , blob1 ) FROM t",
      format: 'JSONEachRow',
    });
    expect(checkQueryText('show tables')).toEqual({ kind: 'show-tables', format: 'JSON' });
  });
});
