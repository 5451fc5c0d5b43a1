/**
 * Goals and funnels as sites define them (tables `goals` and `funnels`, docs/conversions.md): a
 * goal is a custom event name, optionally with one property's value, or a page path pattern
 * (path-pattern.ts); a funnel is 2 to 8 ordered steps, each a page pattern or a goal. The
 * Worker flags live events with the goals they complete; the reports count them in Postgres
 * with the same rules.
 */
import type { PropValue } from './events.js';
import { matchesPath } from './path-pattern.js';

export interface Goal {
  id: number;
  name: string;
  /** A custom-event goal: the event's name (else null). */
  event_name: string | null;
  /** A page goal: the path pattern (else null). */
  page_path: string | null;
  /** Optional property match of a custom-event goal: `props[prop_key]` as text equals `prop_value`. */
  prop_key: string | null;
  prop_value: string | null;
}

/** One funnel step: a page pattern, or a goal by id. */
export type FunnelStep = { page: string } | { goal: number };

export interface Funnel {
  id: number;
  name: string;
  steps: FunnelStep[];
  /** Time from the first step to the last, at most; null: the session is the only limit. */
  window_seconds: number | null;
}

export const MAX_FUNNEL_STEPS = 8;

/**
 * A property value as the reports show and match it: strings as they are, numbers and booleans
 * as JSON writes them, null as ''.
 */
export function propText(value: PropValue | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What of an event a goal looks at. */
export interface GoalCandidate {
  type: string;
  /** The page (path) it happened on. */
  path: string;
  /** custom events: the name. */
  name?: string;
  props?: Record<string, PropValue> | null;
}

/**
 * Whether `event` completes `goal`: a custom event of the goal's name (and property value), or
 * a page view of a path the goal's pattern matches.
 *
 * @example
 * goalMatches({ id: 1, name: 'Bought', event_name: 'purchase', page_path: null,
 *   prop_key: null, prop_value: null }, { type: 'custom', path: '/cart', name: 'purchase' }) // true
 */
export function goalMatches(goal: Goal, event: GoalCandidate): boolean {
  if (goal.event_name !== null) {
    if (event.type !== 'custom' || event.name !== goal.event_name) return false;
    if (goal.prop_key === null) return true;
    const props = event.props ?? {};
    return (
      Object.hasOwn(props, goal.prop_key) && propText(props[goal.prop_key]) === goal.prop_value
    );
  }
  return (
    goal.page_path !== null && event.type === 'pageview' && matchesPath(goal.page_path, event.path)
  );
}
