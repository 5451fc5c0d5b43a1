// Part of `pnpm lint`: released migrations unchanged (src/released-migrations.ts) and the
// generated dimension lists of supabase/schemas up to date (src/generate-sql.ts).
import { generateSchemas } from '../src/generate-sql.js';
import { MIGRATION_DIRS, SCHEMAS_DIR } from '../src/paths.js';
import { checkMigrations } from '../src/released-migrations.js';

const problems = await checkMigrations(MIGRATION_DIRS);
for (const file of await generateSchemas(SCHEMAS_DIR, true))
  problems.push(
    `supabase/schemas/${file}: its dimension lists differ from src/dimensions.ts: run ` +
      '`pnpm --filter @sightline/database gen`',
  );
for (const problem of problems) process.stderr.write(`check-sql: ${problem}\n`);
process.exitCode = problems.length ? 1 : 0;
