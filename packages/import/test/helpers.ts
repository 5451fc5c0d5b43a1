import { expect } from 'vitest';
import { ImportError, type ImportErrorCode, type ImportRecord } from '../src/index.js';
import { collect } from '../src/testing.js';
import type { ExportInput, ReadOptions } from '../src/index.js';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The record of a dimension value on a day. */
export function find(
  records: ImportRecord[],
  day: string,
  dimension: string,
  value = '',
): ImportRecord {
  const r = records.find((x) => x.day === day && x.dimension === dimension && x.value === value);
  if (!r) throw new Error(`no record ${day} ${dimension} ${value}`);
  return r;
}

/** Reads an input that must be refused; returns the error after checking its class and code. */
export async function refused(
  input: ExportInput,
  code: ImportErrorCode,
  options?: ReadOptions,
): Promise<ImportError> {
  const error = await collect(input, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportError);
  expect((error as ImportError).code, (error as Error).message).toBe(code);
  return error as ImportError;
}
