/**
 * Checks an untrusted object (a site's refit model.json, a model from KV) before it is used, so
 * the scorer's hot path can trust the shape. Errors are values, as elsewhere in Sightline.
 */
import type { ValueModel } from './types.js';

export type ValueModelErrorCode = 'invalid_value_model';

/** Why a model object was rejected; `path` names the offending field. */
export class ValueModelError extends Error {
  readonly code: ValueModelErrorCode = 'invalid_value_model';
  override readonly name = 'ValueModelError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }

  toJSON(): { code: ValueModelErrorCode; message: string; path: string } {
    return { code: this.code, message: this.message, path: this.path };
  }
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const strings = (x: unknown): x is string[] =>
  Array.isArray(x) && x.every((s) => typeof s === 'string');

function treeProblem(tree: unknown, width: number): string | null {
  if (!Array.isArray(tree) || tree.length === 0) return 'must be a non-empty node list';
  for (let i = 0; i < tree.length; i++) {
    const node: unknown = tree[i];
    if (!Array.isArray(node) || !node.every(finite)) return `node ${i} must be numbers`;
    if (node.length === 1) continue;
    if (node.length !== 4) return `node ${i} must be [value] or [feature, threshold, left, right]`;
    const [f, , l, r] = node as [number, number, number, number];
    if (!Number.isInteger(f) || f < 0 || f >= width) return `node ${i} has a bad feature index`;
    // Children after their parent: evaluation always terminates, no cycles possible.
    for (const c of [l, r]) {
      if (!Number.isInteger(c) || c <= i || c >= tree.length) return `node ${i} has a bad child`;
    }
  }
  return null;
}

/** Returns the model typed, or a `ValueModelError` describing the first problem found. */
export function parseValueModel(
  input: unknown,
): { data: ValueModel; error: null } | { data: null; error: ValueModelError } {
  const fail = (message: string, path: string) => ({
    data: null,
    error: new ValueModelError(message, path),
  });
  if (typeof input !== 'object' || input === null) return fail('must be an object', '$');
  const m = input as Record<string, unknown>;
  if (m.version !== 1) return fail('must be 1', 'version');
  if (!strings(m.features)) return fail('must be an array of strings', 'features');
  if (!strings(m.groups)) return fail('must be an array of strings', 'groups');
  if (typeof m.defaultGroup !== 'string') return fail('must be a string', 'defaultGroup');
  const cal = m.calibration as Record<string, unknown> | undefined;
  if (cal !== undefined && !(finite(cal?.a) && finite(cal?.b))) {
    return fail('must be { a, b } numbers', 'calibration');
  }
  if (m.kind === 'logistic') {
    if (!finite(m.intercept)) return fail('must be a finite number', 'intercept');
    const w = m.weights;
    if (!Array.isArray(w) || !w.every(finite) || w.length !== m.features.length) {
      return fail('must be finite numbers, one per feature', 'weights');
    }
  } else if (m.kind === 'trees') {
    if (!finite(m.base)) return fail('must be a finite number', 'base');
    if (!Array.isArray(m.trees)) return fail('must be an array', 'trees');
    for (let t = 0; t < m.trees.length; t++) {
      const problem = treeProblem(m.trees[t], m.features.length);
      if (problem) return fail(problem, `trees[${t}]`);
    }
  } else {
    return fail("must be 'logistic' or 'trees'", 'kind');
  }
  return { data: input as ValueModel, error: null };
}
