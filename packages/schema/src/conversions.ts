/**
 * `@sightline/schema/goals`: goals, funnels, path patterns, content groups and the query
 * parameters the Worker keeps as attribution, without zod (for browsers and the Worker alike).
 */
export * from './path-pattern.js';
export * from './goals.js';
export * from './content-groups.js';
export * from './click-ids.js';
