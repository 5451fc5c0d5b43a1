/** One devstack (Postgres, the real PostgREST, Auth) for the RPC and token tests, on a temp dir. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevstack, type Devstack } from '@sightline/devstack';

const MIGRATION = `
create function public.echo(p_value jsonb) returns jsonb language sql immutable as $$ select p_value $$;
create function public.nothing() returns void language sql as $$ select $$;
create function public.whoami() returns jsonb language sql stable as $$
  select jsonb_build_object('role', auth.role(), 'sites', auth.jwt() -> 'site_ids')
$$;
create function public.refuse() returns void language plpgsql as $$
begin
  raise exception 'refused on purpose' using errcode = 'P0001';
end $$;
`;

export async function startStack(): Promise<{ stack: Devstack; stop: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'sightline-test-utils-'));
  const migrationsDir = join(root, 'migrations');
  await mkdir(migrationsDir);
  await writeFile(join(migrationsDir, '20240101000000_functions.sql'), MIGRATION);
  const stack = await startDevstack({ dataDir: join(root, 'data'), migrationsDir });
  return {
    stack,
    stop: async () => {
      await stack.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
