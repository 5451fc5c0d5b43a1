import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DevstackError } from './errors.js';
import { alive, processCommand } from './proc.js';

/** Who runs a data directory: the owning Node process and the children it spawned. */
interface LockFile {
  ownerPid: number;
  childPids: number[];
}

const LOCK_FILE = 'devstack.lock.json';
/** Data dirs held by stacks of this very process (a second stack here must not reap the first). */
const claimedHere = new Set<string>();

/**
 * Stops what a devstack that died without stopping (for example killed with SIGKILL) left running
 * on `dataDir`: its orphaned Postgres and PostgREST, then its lock. Returns false, touching
 * nothing, while the devstack that holds the lock is alive.
 */
export async function stopOrphans(dataDir: string, log: (line: string) => void): Promise<boolean> {
  const previous = await readLock(dataDir);
  if (!previous) return true;
  if (previous.ownerPid !== process.pid && alive(previous.ownerPid)) return false;
  for (const pid of previous.childPids) {
    const command = await processCommand(pid);
    // Only signal processes that are still ours: postgres on this data dir, or postgrest.
    if (!alive(pid) || !(command.includes(dataDir) || command.includes('postgrest'))) continue;
    log(`devstack: stopping orphaned process ${pid} left by a devstack that did not stop`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; alive(pid) && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  // Unless a devstack that started meanwhile has claimed the directory.
  if (
    previous.ownerPid !== process.pid &&
    (await readLock(dataDir))?.ownerPid === previous.ownerPid
  )
    await rm(join(dataDir, LOCK_FILE), { force: true });
  return true;
}

function readLock(dataDir: string): Promise<LockFile | undefined> {
  return readFile(join(dataDir, LOCK_FILE), 'utf8')
    .then((text) => JSON.parse(text) as LockFile)
    .catch(() => undefined);
}

/** Claims `dataDir` for this process, after stopping what a dead devstack left on it. */
export async function claimDataDir(dataDir: string, log: (line: string) => void): Promise<void> {
  if (claimedHere.has(dataDir)) {
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `${dataDir} is in use by another devstack in this process; stop it first`,
    );
  }
  if (!(await stopOrphans(dataDir, log))) {
    const owner = (await readLock(dataDir))?.ownerPid ?? 'unknown';
    throw new DevstackError(
      'DATA_DIR_IN_USE',
      `${dataDir} is in use by devstack process ${owner}; stop it first`,
    );
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
