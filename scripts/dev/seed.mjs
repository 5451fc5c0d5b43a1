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

/**
 * The demo site's owner: a confirmed Auth user with a fixed local password (the dashboard signs
 * in with it, see apps/dashboard/src/lib/auth.ts), made an owner of the demo site. Idempotent:
 * a kept data directory already has them.
 */
export const DEMO_OWNER = { email: 'demo@sightline.localhost', password: 'sightline-demo' };

export async function seedDemoOwner(stack, site) {
  const res = await fetch(`${stack.authUrl}/admin/users`, {
    method: 'POST',
    headers: {
      apikey: stack.secretKey,
      authorization: `Bearer ${stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ ...DEMO_OWNER, email_confirm: true }),
  });
  // 422 email_exists: made by an earlier run on the same data directory.
  if (!res.ok && res.status !== 422)
    throw new Error(`creating the demo owner: Auth answered ${res.status} ${await res.text()}`);
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    await client.query(
      `insert into public.site_members (site_id, user_id, role)
       select $1, id, 'owner' from auth.users where email = $2
       on conflict (site_id, user_id) do nothing`,
      [site.id, DEMO_OWNER.email],
    );
  } finally {
    await client.end();
  }
  return DEMO_OWNER;
}

/**
 * A service token for the demo site (what `pnpm sightline token --key` signs: the project's
 * signing key, so the Worker's live passes accept it too), 30 days.
 */
export async function mintToken(stack, site) {
  // The signer is TypeScript (supabase/src/token.ts), loaded through tsx as its CLI loads it.
  const { tsImport } = await import('tsx/esm/api');
  const { signDashboardToken, parseTtl } = await tsImport(
    '../../supabase/src/token.ts',
    import.meta.url,
  );
  return signDashboardToken({
    siteIds: [site.id],
    key: stack.signingKey,
    issuer: stack.authUrl,
    ttlSeconds: parseTtl('30d'),
  });
}
