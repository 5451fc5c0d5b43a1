export { startDevstack } from './devstack.js';
export type { Devstack, DevstackAnalyticsEngine, DevstackOptions } from './devstack.js';
export type { AppliedMigration } from './migrations.js';
export { DevstackError } from './errors.js';
export type { DevstackErrorCode } from './errors.js';
