/**
 * The feature grammar shared by the scorer and the fitting script, so training and serving
 * compute features with the same code. A model lists feature names; each compiles once into an
 * extractor over a normalised visit. Names:
 *
 * - `pageviews`, `engaged`: log1p of total page views / engaged seconds
 * - `bounce`: 1 when the visit has at most one page view or no engaged time
 * - `returning`, `weekend`: 0/1
 * - `views:<group>`, `engaged:<group>`: log1p of one content group's views / engaged seconds
 * - `month:<1..12>`, `source:<class>`, `device:<class>`, `os:<name>`, `browser:<name>`: 0/1
 * - `hinge:<k>:<feature>`: max(0, feature − k), a knot of a piecewise-linear curve
 * - `<feature>*<feature>`: the product of two features (an interaction)
 *
 * An unknown name extracts 0, so a newer model never breaks an older scorer.
 */
import type { NormalisedVisit } from './normalise.js';

export type Extractor = (visit: NormalisedVisit) => number;

const flag = (b: boolean): number => (b ? 1 : 0);

const SIMPLE: Record<string, Extractor> = {
  pageviews: (v) => Math.log1p(v.pageviews),
  engaged: (v) => Math.log1p(v.engagedSeconds),
  bounce: (v) => flag(v.pageviews <= 1 || v.engagedSeconds === 0),
  returning: (v) => flag(v.returning),
  weekend: (v) => flag(v.weekend),
};

const CATEGORICAL: Record<string, (v: NormalisedVisit) => string> = {
  source: (v) => v.source,
  device: (v) => v.device,
  os: (v) => v.os,
  browser: (v) => v.browser,
};

/** Compiles one feature name into its extractor. */
export function compileFeature(name: string): Extractor {
  const star = name.indexOf('*');
  if (star >= 0) {
    const a = compileFeature(name.slice(0, star));
    const b = compileFeature(name.slice(star + 1));
    return (v) => a(v) * b(v);
  }
  const hinge = /^hinge:(-?[0-9.]+):(.+)$/.exec(name);
  if (hinge) {
    const knot = Number(hinge[1]);
    const f = compileFeature(hinge[2]!);
    return Number.isFinite(knot) ? (v) => Math.max(0, f(v) - knot) : () => 0;
  }
  const simple = SIMPLE[name];
  if (simple) return simple;
  const colon = name.indexOf(':');
  const prefix = name.slice(0, colon);
  const arg = name.slice(colon + 1).toLowerCase();
  if (colon < 0 || arg === '') return () => 0;
  if (prefix === 'views') return (v) => Math.log1p(v.groups.get(arg)?.views ?? 0);
  if (prefix === 'engaged') return (v) => Math.log1p(v.groups.get(arg)?.engagedSeconds ?? 0);
  if (prefix === 'month') {
    const month = Number(arg);
    return (v) => flag(v.month === month);
  }
  const pick = CATEGORICAL[prefix];
  return pick ? (v) => flag(pick(v) === arg) : () => 0;
}

/** Fills `out` with the feature vector of `visit` and returns it. */
export function extract(
  extractors: readonly Extractor[],
  visit: NormalisedVisit,
  out: number[] = new Array<number>(extractors.length),
): number[] {
  for (let i = 0; i < extractors.length; i++) out[i] = extractors[i]!(visit);
  return out;
}
