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
  // The signer is TypeScript (supabase/src/token.ts), loaded through tsx as its CLI loads it.
  const { tsImport } = await import('tsx/esm/api');
  const { signDashboardToken, parseTtl } = await tsImport(
    '../../supabase/src/token.ts',
    import.meta.url,
  );
  return signDashboardToken({
    siteIds: [site.id],
    secret: stack.jwtSecret,
    ttlSeconds: parseTtl('30d'),
  });
}
