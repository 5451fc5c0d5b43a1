// The SQL lines that list dimensions, generated from src/dimensions.ts. In a schema file,
//   -- for every session column (src/dimensions.ts): when '{name}' then s.{column}
//   …generated lines…
//   -- end for
// keeps the template readable where the list is used; `pnpm --filter @sightline/database gen`
// rewrites the lines in between, and `pnpm lint` fails when they differ from the registry.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIMENSIONS, KEYS, type DimensionSpec } from './dimensions.js';

type Entry = Partial<DimensionSpec> & { name: string; key: string };

const SELECTORS: Record<string, () => readonly Entry[]> = {
  /** every dimension */
  dimension: () => DIMENSIONS,
  /** the dimensions that are a column of public.sessions */
  'session column': () => DIMENSIONS.filter((d) => 'column' in d),
  /** the columns of public.sessions fixed at a session's first state */
  'session dimension': () => DIMENSIONS.filter((d) => d.source === 'session'),
  /** every visitor_days key prefix: the site total, the dimensions, a page within a country */
  key: () => KEYS,
};

const MARKER = /^(\s*)-- for every ([a-z ]+) \(src\/dimensions\.ts\): (.*)$/;
const END = /^\s*-- end for$/;

export class GeneratedSqlError extends Error {
  override readonly name = 'GeneratedSqlError';
  constructor(
    readonly code: 'UNKNOWN_SELECTOR' | 'UNKNOWN_PLACEHOLDER' | 'UNCLOSED_MARKER',
    message: string,
  ) {
    super(message);
  }
}

function line(template: string, d: Entry, last: boolean, where: string): string {
  return template.replace(/\{([a-z,]+)\}/g, (_, field: string) => {
    if (field === ',') return last ? '' : ',';
    const value = (d as unknown as Record<string, unknown>)[field];
    if (typeof value !== 'string')
      throw new GeneratedSqlError(
        'UNKNOWN_PLACEHOLDER',
        `${where}: {${field}} is not a field of "${d.name}"`,
      );
    return value;
  });
}

/** `sql` with the lines under every marker generated again. */
export function expandDimensions(sql: string, file: string): string {
  const lines = sql.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]!);
    out.push(lines[i]!);
    if (!marker) continue;
    const [, indent, selector, template] = marker as unknown as [string, string, string, string];
    const where = `${file}:${i + 1}`;
    const select = SELECTORS[selector];
    if (!select)
      throw new GeneratedSqlError(
        'UNKNOWN_SELECTOR',
        `${where}: "for every ${selector}": use one of ${Object.keys(SELECTORS).join(', ')}`,
      );
    const end = lines.findIndex((l, j) => j > i && END.test(l));
    if (end < 0) throw new GeneratedSqlError('UNCLOSED_MARKER', `${where}: no "-- end for" below`);
    const chosen = select();
    chosen.forEach((d, k) => out.push(indent + line(template, d, k === chosen.length - 1, where)));
    out.push(lines[end]!);
    i = end;
  }
  return out.join('\n');
}

/** Regenerates every schema file of `dir`; returns the files whose text changed (`check`: only lists them). */
export async function generateSchemas(dir: string, check: boolean): Promise<string[]> {
  const stale: string[] = [];
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const path = join(dir, file);
    const sql = await readFile(path, 'utf8');
    const generated = expandDimensions(sql, file);
    if (generated === sql) continue;
    stale.push(file);
    if (!check) await writeFile(path, generated);
  }
  return stale;
}
