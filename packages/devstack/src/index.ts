export { startDevstack } from './devstack.js';
export type { Devstack, DevstackAnalyticsEngine, DevstackOptions } from './devstack.js';
export type { AppliedMigration } from './migrations.js';
export { DevstackError } from './errors.js';
export type { DevstackErrorCode } from './errors.js';
export { stopOrphans } from './lock.js';
export type { AuthOptions } from './auth/config.js';
export type { SignOptions } from './tokens.js';
