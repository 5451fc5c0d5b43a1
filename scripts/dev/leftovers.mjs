// What `pnpm dev` started, recorded on disk, so that nothing outlives it: its reaper stops the
// record's processes the moment `pnpm dev` dies (even by SIGKILL), and the next `pnpm dev` stops
// whatever is still left (a reaper killed too, a machine that slept through it).
import { readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const RECORD = 'dev-processes.json';

/**
 * @typedef {{ ownerPid: number, root: string, dataDir: string, stopping?: boolean,
 *   groups: { label: string, pgid: number }[] }} DevRecord
 */

export const recordPath = (dataDir) => join(dataDir, RECORD);

/** @param {DevRecord} record */
export function writeRecord(record) {
  writeFileSync(recordPath(record.dataDir), JSON.stringify(record) + '\n');
}

/** @returns {DevRecord | undefined} */
export function readRecord(dataDir) {
  try {
    return JSON.parse(readFileSync(recordPath(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Removes the record of `ownerPid` (a record a newer pnpm dev has written meanwhile stays). */
export function removeRecord(dataDir, ownerPid) {
  if (readRecord(dataDir)?.ownerPid === ownerPid) rmSync(recordPath(dataDir), { force: true });
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is a `pnpm dev` of this checkout (its record's owner, still running). */
export function isDevOwner(pid, root) {
  const command = readProc(pid, 'cmdline').replaceAll('\0', ' ');
  return alive(pid) && command.includes('dev.mjs') && processCwd(pid) === root;
}

/**
 * Live processes of process group `pgid` that belong to this checkout (their working directory
 * or command line is inside `root`): a recorded group id the system has since reused for
 * somebody else's processes matches nothing.
 */
export function groupMembers(pgid, root) {
  const members = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    // Field 5 of /proc/<pid>/stat, counted after the parenthesised command name.
    const stat = readProc(pid, 'stat');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    const cwd = processCwd(pid);
    const command = readProc(pid, 'cmdline');
    if (cwd?.startsWith(root) || command.includes(root)) members.push(pid);
  }
  return members;
}

/**
 * Stops the recorded process groups: SIGTERM, then SIGKILL for what is left after `graceMs`.
 * Returns the number of processes that were still running.
 */
export async function stopGroups(record, graceMs = 5_000) {
  let found = 0;
  for (const { pgid } of record.groups) {
    const members = groupMembers(pgid, record.root);
    found += members.length;
    signal(members, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (members.some(alive) && Date.now() < deadline) await delay(50);
    signal(members.filter(alive), 'SIGKILL');
  }
  return found;
}

function signal(pids, name) {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      /* gone meanwhile */
    }
  }
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function processCwd(pid) {
  try {
    return realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
