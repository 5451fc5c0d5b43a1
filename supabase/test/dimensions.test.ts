// The dimension registry (src/dimensions.ts) is the one place a dimension is named: the SQL
// generated from it must agree with it, and the visitor_days keys it assigns are data in every
// deployed database, so a released key never changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIMENSIONS, KEYS, PAGE_IN_COUNTRY, SITE_TOTAL } from '../src/dimensions.js';
import { expandDimensions, generateSchemas } from '../src/generate-sql.js';
import { SCHEMAS_DIR } from '../src/paths.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The keys of the first release (47b9806: private.dimension_of's letters).
const RELEASED_KEYS: Record<string, string> = {
  '': 'a',
  page: 'b',
  entry_page: 'c',
  exit_page: 'd',
  referrer: 'e',
  referrer_class: 'f',
  country: 'g',
  region: 'h',
  city: 'i',
  device: 'j',
  browser: 'k',
  os: 'l',
  utm_source: 'm',
  utm_medium: 'n',
  utm_campaign: 'o',
  event: 'p',
  'page@': 'q',
};

describe('the dimension registry', () => {
  it('keeps every released key, and gives each dimension a name and a key of its own', () => {
    const keys = Object.fromEntries(KEYS.map((k) => [k.name, k.key]));
    expect(keys).toMatchObject(RELEASED_KEYS);
    expect(new Set(KEYS.map((k) => k.name)).size).toBe(KEYS.length);
    expect(new Set(KEYS.map((k) => k.key)).size).toBe(KEYS.length);
    for (const k of KEYS) expect(k.key).toMatch(/^[a-z]$/);
    expect([SITE_TOTAL, PAGE_IN_COUNTRY]).toEqual([KEYS[0], KEYS[KEYS.length - 1]]);
  });

  it('names a sessions column exactly for the session dimensions', () => {
    for (const d of DIMENSIONS) {
      const fromSession = d.source === 'session' || d.source === 'session_latest';
      expect('column' in d, d.name).toBe(fromSession);
      expect(d.name, 'names go into SQL text').toMatch(/^[a-z_]+$/);
    }
  });
});

describe('the SQL generated from it', () => {
  it('expands each marker into one line per dimension, with the list separator', () => {
    const sql = [
      '  select array[',
      "    -- for every session column (src/dimensions.ts): '{name}' || s.{column}{,}",
      '    stale line',
      '    -- end for',
      '  ]',
    ].join('\n');
    const lines = expandDimensions(sql, 'x.sql').split('\n');
    const columns = DIMENSIONS.filter((d) => 'column' in d);
    expect(lines).toHaveLength(4 + columns.length);
    expect(lines[2]).toBe(`    'entry_page' || s.entry_path,`);
    const last = columns.at(-1)!;
    // The separator goes on every line but the last.
    expect(lines[1 + columns.length]).toBe(`    '${last.name}' || s.${last.column}`);
    expect(lines[columns.length]).toMatch(/,$/);
    expect(lines.at(-2)).toBe('    -- end for');
  });

  it('refuses an unknown selector or field and a marker without its end', () => {
    const marker = (rest: string) => `-- for every ${rest}\n-- end for`;
    expect(() => expandDimensions(marker('colour (src/dimensions.ts): x'), 'x.sql')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SELECTOR' }),
    );
    expect(() =>
      expandDimensions(marker('dimension (src/dimensions.ts): {column}'), 'x.sql'),
    ).toThrow(expect.objectContaining({ code: 'UNKNOWN_PLACEHOLDER' }));
    expect(() =>
      expandDimensions('-- for every dimension (src/dimensions.ts): {name}\n', 'x.sql'),
    ).toThrow(expect.objectContaining({ code: 'UNCLOSED_MARKER' }));
  });

  it('is up to date in supabase/schemas', async () => {
    expect(await generateSchemas(SCHEMAS_DIR, true)).toEqual([]);
  });
});

describe('the deployed database', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('takes the same names, keys and session columns', async () => {
    const names = await t.db.query<{ names: string[] }>('select private.dimensions() as names');
    expect(names.rows[0]!.names).toEqual(DIMENSIONS.map((d) => d.name));
    for (const { name, key } of KEYS) {
      const { rows } = await t.db.query<{ key: string; of: string; value: string }>(
        `select private.dimension_key($1) as key, private.dimension_of($2) as of,
                private.value_of($2) as value`,
        [name, name === PAGE_IN_COUNTRY.name ? `${key}DE\x1f/docs` : `${key}/docs`],
      );
      expect(rows[0]).toEqual({
        key,
        of: name === PAGE_IN_COUNTRY.name ? 'page@DE' : name,
        value: '/docs',
      });
    }
    const columns = await t.db.query<{ column_name: string }>(
      `select column_name from information_schema.columns
       where table_schema = 'public' and table_name = 'sessions'`,
    );
    for (const d of DIMENSIONS)
      if ('column' in d) expect(columns.rows.map((r) => r.column_name)).toContain(d.column);
  });
});
