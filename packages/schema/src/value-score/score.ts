/**
 * The scorer. Runs in the SiteLive Durable Object on every fifth heartbeat and in the dashboard,
 * so it is allocation-light, has no dependencies and no Node APIs, and never throws.
 */
import { compileFeature, extract, type Extractor } from './features.js';
import { normaliseVisit } from './normalise.js';
import { defaultValueModel } from './default-model.js';
import { parseValueModel } from './validate.js';
import type { ValueModel, VisitFeatures } from './types.js';

interface Compiled {
  model: ValueModel;
  extractors: Extractor[];
  scratch: number[];
  /** All trees flattened into typed arrays (monomorphic, no nested-array hops); leaf: feature -1. */
  flat: FlatTrees | null;
}

interface FlatTrees {
  roots: Int32Array;
  feature: Int32Array;
  /** Split threshold, or the leaf value when feature is -1. */
  value: Float64Array;
  left: Int32Array;
  right: Int32Array;
}

function flatten(trees: readonly (readonly (readonly number[])[])[]): FlatTrees {
  const size = trees.reduce((n, t) => n + t.length, 0);
  const flat: FlatTrees = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(size),
    value: new Float64Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = offset;
    tree.forEach((node, i) => {
      const split = node.length === 4;
      flat.feature[offset + i] = split ? node[0]! : -1;
      flat.value[offset + i] = split ? node[1]! : node[0]!;
      flat.left[offset + i] = split ? offset + node[2]! : 0;
      flat.right[offset + i] = split ? offset + node[3]! : 0;
    });
    offset += tree.length;
  });
  return flat;
}

// Compiling feature names once per model object keeps the per-call cost to arithmetic.
const compiled = new WeakMap<object, Compiled>();

function compile(model: ValueModel | undefined): Compiled {
  const key: object = typeof model === 'object' && model !== null ? model : defaultValueModel;
  let c = compiled.get(key);
  if (c) return c;
  // A malformed model must not take the Durable Object down: score with the shipped one instead.
  const valid = parseValueModel(key).data ?? defaultValueModel;
  const extractors = valid.features.map(compileFeature);
  c = {
    model: valid,
    extractors,
    scratch: new Array<number>(extractors.length).fill(0),
    flat: valid.kind === 'trees' ? flatten(valid.trees) : null,
  };
  compiled.set(key, c);
  return c;
}

function logit({ model, flat }: Compiled, x: readonly number[]): number {
  if (model.kind === 'logistic') {
    let z = model.intercept;
    for (let i = 0; i < x.length; i++) z += model.weights[i]! * x[i]!;
    return z;
  }
  let z = model.base;
  const { roots, feature, value, left, right } = flat!;
  for (let t = 0; t < roots.length; t++) {
    let n = roots[t]!;
    // Validated trees have children after parents, so this walk always reaches a leaf.
    while (feature[n]! >= 0) n = x[feature[n]!]! < value[n]! ? left[n]! : right[n]!;
    z += value[n]!;
  }
  return z;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The model's calibrated probability (0..1) that this visit converts.
 *
 * @example
 * predictConversion({ pageviews: 12, engagedMs: 540_000, returning: false, weekend: false, month: 11 })
 */
export function predictConversion(features: VisitFeatures, model?: ValueModel): number {
  const c = compile(model);
  const visit = normaliseVisit(features, c.model.defaultGroup);
  const z = logit(c, extract(c.extractors, visit, c.scratch));
  const cal = c.model.calibration;
  const p = sigmoid(cal ? cal.a * z + cal.b : z);
  return Number.isFinite(p) ? p : 0;
}

/**
 * The visitor value score: predicted conversion probability × 100, as an integer 0..100.
 *
 * @example
 * import { scoreVisit } from '@sightline/schema/value-score';
 * scoreVisit({ pageviews: 3, engagedMs: 95_000, returning: true, sourceClass: 'search',
 *   device: 'mobile', weekend: true, month: 5 }); // → an integer such as 9
 */
export function scoreVisit(features: VisitFeatures, model?: ValueModel): number {
  const score = Math.round(predictConversion(features, model) * 100);
  return Math.min(100, Math.max(0, score));
}
