// `pnpm --filter @sightline/database release:migrations <name>` when a release is cut: its
// migrations become immutable (released-migrations.json) and its migrations and schema files
// the upgrade test's fixture test/fixtures/releases/<name> (docs/database.md, "Releases").
import { MIGRATION_DIRS } from '../src/paths.js';
import { releaseMigrations } from '../src/released-migrations.js';

const name = process.argv[2];
if (!name || !/^[\w.-]+$/.test(name)) {
  process.stderr.write('usage: release:migrations <release name, e.g. 0.2.0>\n');
  process.exit(2);
}
const added = await releaseMigrations(MIGRATION_DIRS, name);
process.stdout.write(
  `released ${added.length ? added.join(', ') : 'no new migrations'}; fixture test/fixtures/releases/${name}\n`,
);
