export { startDevstack } from './devstack.js';
export type { Devstack, DevstackAnalyticsEngine, DevstackOptions } from './devstack.js';
export { deployDatabase } from './deploy.js';
export type { AppliedMigration, DeployOptions, DeployResult } from './deploy.js';
export { DevstackError } from './errors.js';
export type { DevstackErrorCode } from './errors.js';
export { stopOrphans } from './lock.js';
export type { AuthOptions } from './auth/config.js';
export type { SignOptions } from './tokens.js';
