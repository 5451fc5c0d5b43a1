/** The ingest Worker's wrangler.jsonc (JSON with comments and trailing commas), read with jsonc-parser. */
import { readFile } from 'node:fs/promises';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface WranglerConfig {
  compatibility_date: string;
  compatibility_flags?: string[];
  /** Production's vars (the top level is production). */
  vars: Record<string, string>;
  /** The named development environment that pnpm dev, the tests and the benchmarks select. */
  env: { development: { vars: Record<string, string> } };
}

/** wrangler.jsonc that does not parse: the file, and each error with its offset. */
export class WranglerConfigError extends Error {
  override readonly name = 'WranglerConfigError';
  readonly code = 'INVALID_WRANGLER_CONFIG';
}

/** Reads wrangler.jsonc; `T` names more of its fields where a caller needs them. */
export async function readWranglerConfig<T = WranglerConfig>(path: string): Promise<T> {
  const errors: ParseError[] = [];
  const config = parse(await readFile(path, 'utf8'), errors, {
    allowTrailingComma: true,
  }) as T;
  if (errors.length)
    throw new WranglerConfigError(
      `${path}: ${errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`).join(', ')}`,
    );
  return config;
}
