/** Number and time formatting shared by the cards, tables, tooltips and feed. */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** Exact below 10,000 (what tests and people compare), compact above. */
export function formatCount(n: number): string {
  return Math.abs(n) < 10_000 ? whole.format(Math.round(n)) : compact.format(n);
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** `1h 02m`, `3m 07s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Seconds with one decimal under a minute ("0.4 s ago"), whole units above. */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)} s ago`;
  if (clamped < 3_600_000) return `${Math.floor(clamped / 60_000)} min ago`;
  return `${Math.floor(clamped / 3_600_000)} h ago`;
}

/** Relative change against the previous period; null when there is nothing to compare to. */
export function change(current: number, previous: number): number | null {
  if (!previous) return null;
  return (current - previous) / previous;
}
