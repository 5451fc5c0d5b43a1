/** The ingest Worker's wrangler.jsonc (JSON with comments and trailing commas), read with jsonc-parser. */
import { readFile } from 'node:fs/promises';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface WranglerConfig {
  compatibility_date: string;
  compatibility_flags?: string[];
  vars: Record<string, string>;
}

/** wrangler.jsonc that does not parse: the file, and each error with its offset. */
export class WranglerConfigError extends Error {
  override readonly name = 'WranglerConfigError';
  readonly code = 'INVALID_WRANGLER_CONFIG';
}

export async function readWranglerConfig(path: string): Promise<WranglerConfig> {
  const errors: ParseError[] = [];
  const config = parse(await readFile(path, 'utf8'), errors, {
    allowTrailingComma: true,
  }) as WranglerConfig;
  if (errors.length)
    throw new WranglerConfigError(
      `${path}: ${errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`).join(', ')}`,
    );
  return config;
}
