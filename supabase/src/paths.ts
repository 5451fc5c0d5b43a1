// Where this package keeps its SQL: numbered migrations (tables: history, applied once each)
// and schema files (functions, policies, grants: state, applied on every deploy).
import { fileURLToPath } from 'node:url';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const MIGRATIONS_DIR = at('../migrations');
export const SCHEMAS_DIR = at('../schemas');
/** sha256 of every released migration: released files never change (scripts/check-sql.ts). */
export const RELEASED_MANIFEST = at('../released-migrations.json');
/** Copies of released migrations (and schema files) the upgrade test starts from. */
export const RELEASES_DIR = at('../test/fixtures/releases');

export const MIGRATION_DIRS = {
  manifest: RELEASED_MANIFEST,
  migrationsDir: MIGRATIONS_DIR,
  schemasDir: SCHEMAS_DIR,
  releasesDir: RELEASES_DIR,
};
