/**
 * docs/scaling.md's price model: fed the rates measured before the tracker's cadence changed
 * (5.11 beacons and 4.55 Durable Object requests per visitor-minute, one point per beacon, 20
 * broadcasts a second while watched), it must give the totals that page published for them
 * (≈ $182 unwatched, ≈ $429 with a dashboard open all month), line by line.
 */
import { describe, expect, it } from 'vitest';
import { broadcastsPerSecond, monthlyCost } from '../src/cost-model.js';

const before = {
  visitors: 1_000,
  rates: { beacons: 5.112, durableObjectCalls: 4.545, analyticsEnginePoints: 5.112 },
  alarmsPerShardMinute: 0,
  cpuMsPerBeacon: 1.5,
};

describe('cost model', () => {
  it('reproduces the published figures for the 15 s cadence at 1,000 concurrent visitors', () => {
    const unwatched = monthlyCost({ ...before, broadcastsPerSecond: 0, dashboards: 0 });
    const usd = Object.fromEntries(unwatched.lines.map((l) => [l.item, Math.round(l.usd)]));
    expect(usd).toEqual({
      'Workers: base + requests': 68,
      'Workers: CPU': 6,
      'Durable Objects: requests': 29,
      'Durable Objects: duration': 0,
      'Analytics Engine writes': 53,
      'Supabase Pro + compute': 25,
      'Supabase Realtime messages': 0,
    });
    // The page rounded each line up or down on its own: within $1.50 of its totals.
    expect(Math.abs(unwatched.total - 182)).toBeLessThan(1.5);
    const watched = monthlyCost({ ...before, broadcastsPerSecond: 20, dashboards: 1 });
    expect(Math.abs(watched.total - 429)).toBeLessThan(1.5);
  });

  it('pushes a lone change at once and at most one per window under load, plus a snapshot every 5 s', () => {
    expect(broadcastsPerSecond(0, 0)).toBeCloseTo(0.2);
    expect(broadcastsPerSecond(10_000, 0)).toBeLessThan(20.2);
    expect(broadcastsPerSecond(10_000, 0)).toBeGreaterThan(19.9);
    // Sparse changes: nearly every one is a push of its own.
    expect(broadcastsPerSecond(0.5, 0)).toBeGreaterThan(0.5 * 0.97 + 0.2);
    // Heartbeats of present visitors push at most once a second on their own.
    expect(broadcastsPerSecond(0, 50)).toBeCloseTo(1.2);
  });
});
