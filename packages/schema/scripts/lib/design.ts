/**
 * Builds design matrices from sessions with the runtime's own feature code (normaliseVisit +
 * compileFeature), so a model is fitted on exactly the numbers the scorer will compute.
 */
import { compileFeature, extract } from '../../src/value-score/features.js';
import { normaliseVisit } from '../../src/value-score/normalise.js';
import type { Table } from './csv.js';
import type { Session } from './sessions.js';

export function designMatrix(
  sessions: readonly Session[],
  features: readonly string[],
  defaultGroup: string,
): number[][] {
  const extractors = features.map(compileFeature);
  return sessions.map((s) => extract(extractors, normaliseVisit(s.features, defaultGroup)));
}

/** Undoes log1p on the count features: the "no transform" baseline of the CV comparison. */
export function untransformed(x: number[][], features: readonly string[]): number[][] {
  const isLog = features.map((f) => /^(pageviews|engaged|views:.+|engaged:.+)$/.test(f));
  return x.map((row) => row.map((v, j) => (isLog[j] ? Math.expm1(v) : v)));
}

/**
 * One-hot columns for coded table columns (the UCI file's anonymised OperatingSystems, Browser,
 * Region, TrafficType). Used only by the reference candidate that shows what those codes would
 * add: a live visitor has no such code, so no shipped model may use them.
 */
export function codeColumns(table: Table, columns: readonly string[]): number[][] {
  const idx = columns
    .map((c) => table.header.findIndex((h) => h.toLowerCase() === c.toLowerCase()))
    .filter((i) => i >= 0);
  const levels = idx.map((i) => [...new Set(table.rows.map((r) => r[i]!))].sort());
  return table.rows.map((row) =>
    idx.flatMap((i, k) => levels[k]!.slice(1).map((level) => (row[i] === level ? 1 : 0))),
  );
}
