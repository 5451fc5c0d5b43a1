import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The uid/gid Postgres runs as: Postgres refuses to run as root. */
export interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return result.status === 0 ? Number.parseInt(result.stdout, 10) : undefined;
}

/** Undefined for an ordinary user; as root, the `postgres` system user (created if missing). */
export function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (idOf('-u', 'postgres') === undefined) {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  }
  return { uid: idOf('-u', 'postgres')!, gid: idOf('-g', 'postgres')! };
}

/**
 * Makes `dir` reachable by the Postgres user: each ancestor lacking world search permission
 * (a 0700 home directory, typically) gets o+x — search only, never listing or reading.
 */
export async function ensureTraversable(
  dir: string,
  runAs: RunAs,
  log: (line: string) => void,
): Promise<void> {
  if (spawnSync('test', ['-x', dir], { ...runAs }).status === 0) return;
  let current = resolve(dir);
  const chain: string[] = [];
  while (dirname(current) !== current) {
    chain.push(current);
    current = dirname(current);
  }
  for (const ancestor of chain.reverse()) {
    const info = await stat(ancestor).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      log(
        `granting search permission (o+x) on ${ancestor} so the postgres user can reach its data`,
      );
      await chmod(ancestor, info.mode | 0o001);
    }
  }
}
