/**
 * @sightline/schema: the wire format between the tracker and the Worker, its limits, the
 * Analytics Engine column map, the database flush payload and the live message types.
 * Types are importable with `import type` so browser code ships none of zod.
 */
export * from './limits.js';
export * from './events.js';
export * from './events-v2.js';
export * from './parse.js';
export * from './enriched.js';
export * from './analytics-engine.js';
export * from './analytics-engine-sql.js';
export * from './ingest-batch.js';
export * from './live.js';
export { DIMENSIONS, isDimension, type Dimension } from './dimensions.js';
export { classifyReferrer, referrerSource, type ReferrerSource } from './referrer-class.js';
export * from './text.js';
export * from './conversions.js';
export * from './stats-api.js';
export * from './stats-dimensions.js';
export * from './stats-ae-filters.js';
