/**
 * Value score (0..100, `@sightline/schema/value-score`) → marker colour. One table drives both
 * the map's paint expression and the legend, so they cannot disagree.
 */
export const SCORE_STOPS: readonly { score: number; color: string; label: string }[] = [
  { score: 0, color: '#94a3b8', label: 'low' },
  { score: 33, color: '#38bdf8', label: '' },
  { score: 66, color: '#f59e0b', label: '' },
  { score: 100, color: '#dc2626', label: 'high' },
];

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Linear interpolation between the stops, like the map's `interpolate` expression. */
export function scoreColor(score: number): string {
  const s = Math.min(100, Math.max(0, Number.isFinite(score) ? score : 0));
  for (let i = 1; i < SCORE_STOPS.length; i++) {
    const hi = SCORE_STOPS[i]!;
    const lo = SCORE_STOPS[i - 1]!;
    if (s <= hi.score) {
      const t = (s - lo.score) / (hi.score - lo.score);
      const a = hexToRgb(lo.color);
      const b = hexToRgb(hi.color);
      const c = a.map((v, j) => Math.round(v + (b[j]! - v) * t));
      return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    }
  }
  return SCORE_STOPS[SCORE_STOPS.length - 1]!.color;
}

/** The map's circle-color expression for a numeric `score` property. */
export function scoreColorExpression(): unknown[] {
  return [
    'interpolate',
    ['linear'],
    ['get', 'score'],
    ...SCORE_STOPS.flatMap((s) => [s.score, s.color]),
  ];
}
