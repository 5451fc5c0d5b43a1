/**
 * Turns whatever the caller holds into clean visit numbers. The Durable Object's state can be
 * partial, stale or corrupted (old storage, a bug elsewhere); the score must still come out, so
 * every field has a neutral default instead of a thrown error.
 */
import type { VisitFeatures } from './types.js';

export interface NormalisedVisit {
  pageviews: number;
  engagedSeconds: number;
  /** Lower-cased group name → activity; always holds at least the totals somewhere. */
  groups: Map<string, { views: number; engagedSeconds: number }>;
  returning: boolean;
  weekend: boolean;
  /** 1..12, or 0 when unknown (no month indicator fires). */
  month: number;
  /** Lower-cased categorical values; '' when unknown. */
  source: string;
  device: string;
  os: string;
  browser: string;
}

/** A finite, non-negative number, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function label(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Normalises a visit for a model fitted with `defaultGroup`: a visit without declared content
 * groups has all its activity attributed to that group (see docs/value-score.md).
 */
export function normaliseVisit(input: unknown, defaultGroup: string): NormalisedVisit {
  const v: Partial<Record<keyof VisitFeatures, unknown>> = isRecord(input) ? input : {};
  const groups = new Map<string, { views: number; engagedSeconds: number }>();
  let groupViews = 0;
  let groupSeconds = 0;
  if (isRecord(v.pagesByGroup)) {
    for (const [name, activity] of Object.entries(v.pagesByGroup)) {
      if (!isRecord(activity)) continue;
      const key = name.trim().toLowerCase();
      const prev = groups.get(key) ?? { views: 0, engagedSeconds: 0 };
      const views = prev.views + count(activity.views);
      const engagedSeconds = prev.engagedSeconds + count(activity.engagedMs) / 1000;
      groups.set(key, { views, engagedSeconds });
      groupViews += count(activity.views);
      groupSeconds += count(activity.engagedMs) / 1000;
    }
  }
  // Totals cover pages outside any declared group too, so they are at least the groups' sum.
  const pageviews = Math.max(count(v.pageviews), groupViews);
  const engagedSeconds = Math.max(count(v.engagedMs) / 1000, groupSeconds);
  if (groups.size === 0) groups.set(defaultGroup, { views: pageviews, engagedSeconds });
  const month = typeof v.month === 'number' && Number.isInteger(v.month) ? v.month : 0;
  return {
    pageviews,
    engagedSeconds,
    groups,
    returning: v.returning === true,
    weekend: v.weekend === true,
    month: month >= 1 && month <= 12 ? month : 0,
    source: label(v.sourceClass),
    device: label(v.device),
    os: label(v.os),
    browser: label(v.browser),
  };
}
