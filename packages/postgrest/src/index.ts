/**
 * @sightline/postgrest: a fetch-only PostgREST client for edge runtimes, API-compatible with the
 * core of postgrest-js, plus timeouts, safe retries and attempt hooks.
 */
export { PostgrestClient } from './client.js';
export { PostgrestQueryBuilder } from './query-builder.js';
export { PostgrestFilterBuilder } from './filter-builder.js';
export { PostgrestTransformBuilder } from './transform-builder.js';
export { PostgrestBuilder } from './builder.js';
export { PostgrestError, type PostgrestErrorInit, type PostgrestClientErrorCode } from './error.js';
export { listItem } from './encode.js';
export type * from './types.js';
