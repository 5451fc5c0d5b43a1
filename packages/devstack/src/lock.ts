import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DevstackError } from './errors.js';

/** Who runs a data directory: the owning Node process and the children it spawned. */
interface LockFile {
  ownerPid: number;
  childPids: number[];
}

const LOCK_FILE = 'devstack.lock.json';
/** Data dirs held by stacks of this very process (a second stack here must not reap the first). */
const claimedHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function commandLine(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
}

/**
 * Claims `dataDir` for this process. A lock left by a devstack that died without stopping (for
 * example killed with SIGKILL) is recovered: its orphaned Postgres and PostgREST are stopped.
 */
export async function claimDataDir(dataDir: string, log: (line: string) => void): Promise<void> {
  if (claimedHere.has(dataDir)) {
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `${dataDir} is in use by another devstack in this process; stop it first`,
    );
  }
  const file = join(dataDir, LOCK_FILE);
  const previous = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as LockFile)
    .catch(() => undefined);
  if (previous && previous.ownerPid !== process.pid && alive(previous.ownerPid)) {
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `${dataDir} is in use by devstack process ${previous.ownerPid}; stop it first`,
    );
  }
  for (const pid of previous?.childPids ?? []) {
    const command = await commandLine(pid);
    // Only signal processes that are still ours: postgres on this data dir, or postgrest.
    if (!alive(pid) || !(command.includes(dataDir) || command.includes('postgrest'))) continue;
    log(`devstack: stopping orphaned process ${pid} left by a devstack that did not stop`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; alive(pid) && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  claimedHere.add(dataDir);
  await writeLock(dataDir, []);
}

export async function writeLock(dataDir: string, childPids: (number | undefined)[]): Promise<void> {
  const lock: LockFile = {
    ownerPid: process.pid,
    childPids: childPids.filter((pid): pid is number => pid !== undefined),
  };
  await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(lock) + '\n');
}

export async function releaseDataDir(dataDir: string): Promise<void> {
  claimedHere.delete(dataDir);
  await rm(join(dataDir, LOCK_FILE), { force: true });
}
