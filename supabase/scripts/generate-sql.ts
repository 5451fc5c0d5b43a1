// `pnpm --filter @sightline/database gen`: writes the dimension lists of supabase/schemas from
// src/dimensions.ts (see src/generate-sql.ts).
import { generateSchemas } from '../src/generate-sql.js';
import { SCHEMAS_DIR } from '../src/paths.js';

const changed = await generateSchemas(SCHEMAS_DIR, false);
process.stdout.write(changed.length ? `rewrote ${changed.join(', ')}\n` : 'schemas up to date\n');
