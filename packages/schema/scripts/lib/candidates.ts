/**
 * The models compared by cross-validation. Every shippable candidate uses only features the
 * tracker observes live; `reference` candidates add the UCI file's anonymised integer codes to
 * show what they would be worth, and are never shipped (no live visitor has such a code).
 */
import type { Learner } from './cross-validate.js';
import type { Session } from './sessions.js';

export interface Candidate {
  name: string;
  features: string[];
  learner: Learner;
  /** Fit on raw counts instead of log1p (the transform baseline). */
  untransformed?: boolean;
  /** Coded table columns appended one-hot; makes the candidate reference-only. */
  codes?: string[];
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `month:${i + 1}`);

/** One-hot names for the optional Sightline columns a site's own export may carry. */
function sightlineCategoricals(sessions: readonly Session[]): string[] {
  const out = new Set<string>();
  for (const { features: f } of sessions) {
    if (f.sourceClass) out.add(`source:${f.sourceClass.toLowerCase()}`);
    if (f.device) out.add(`device:${f.device.toLowerCase()}`);
    if (f.os) out.add(`os:${f.os.toLowerCase()}`);
    if (f.browser) out.add(`browser:${f.browser.toLowerCase()}`);
  }
  return [...out].sort();
}

export function candidates(groups: readonly string[], sessions: readonly Session[]): Candidate[] {
  const context = ['bounce', 'returning', 'weekend', ...MONTHS, ...sightlineCategoricals(sessions)];
  const totals = ['pageviews', 'engaged', ...context];
  const byGroup = [
    'pageviews',
    'engaged',
    ...groups.flatMap((g) => [`views:${g}`, `engaged:${g}`]),
    ...context,
  ];
  const lr = (l2: number): Learner => ({ kind: 'logistic', l2 });
  const gbt = (depth: number, rounds: number, learningRate: number): Learner => ({
    kind: 'trees',
    depth,
    rounds,
    learningRate,
    minChildWeight: 2,
    l2: 1,
  });
  // Piecewise-linear (hinge) terms on the log scale let the logistic model bend like the trees.
  const knots = [1, 2, 3, 4, 5, 6];
  const curved = [
    ...byGroup,
    ...['pageviews', 'engaged', ...groups.flatMap((g) => [`views:${g}`, `engaged:${g}`])].flatMap(
      (f) => knots.map((k) => `hinge:${k}:${f}`),
    ),
  ];
  const codes = ['OperatingSystems', 'Browser', 'Region', 'TrafficType'];
  return [
    { name: 'logistic, totals, raw counts', features: totals, learner: lr(1), untransformed: true },
    { name: 'logistic, totals, log1p', features: totals, learner: lr(1) },
    {
      name: 'logistic, by group, raw counts',
      features: byGroup,
      learner: lr(1),
      untransformed: true,
    },
    { name: 'logistic, by group, log1p', features: byGroup, learner: lr(1) },
    { name: 'logistic, by group, log1p + hinges', features: curved, learner: lr(10) },
    { name: 'boosted stumps (200 × depth 1)', features: byGroup, learner: gbt(1, 200, 0.1) },
    { name: 'boosted trees (150 × depth 2)', features: byGroup, learner: gbt(2, 150, 0.1) },
    { name: 'boosted trees (50 × depth 3)', features: byGroup, learner: gbt(3, 50, 0.15) },
    { name: 'boosted trees (100 × depth 3)', features: byGroup, learner: gbt(3, 100, 0.1) },
    { name: 'REFERENCE logistic + anonymised codes', features: byGroup, learner: lr(1), codes },
  ];
}
