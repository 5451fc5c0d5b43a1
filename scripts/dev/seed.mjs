// Seeds the local database for `pnpm dev` and mints the dashboard token it opens with.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/** Applies supabase/seed.sql (idempotent by design) and returns the demo site, or null. */
export async function seedDemo(stack, root) {
  const seed = join(root, 'supabase', 'seed.sql');
  if (!existsSync(seed)) return null;
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    await client.query(readFileSync(seed, 'utf8'));
    const { rows } = await client.query(`select id, name from public.sites where id = 'demo'`);
    return rows[0] ?? null;
  } finally {
    await client.end();
  }
}

/** A dashboard token for the demo site (the same signer as `pnpm sightline token`), 30 days. */
export async function mintToken(stack, site) {
  const { signDashboardToken, parseTtl } = await import('../../supabase/src/token.js');
  return signDashboardToken({
    siteIds: [site.id],
    secret: stack.jwtSecret,
    ttlSeconds: parseTtl('30d'),
  });
}
