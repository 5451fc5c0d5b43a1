/**
 * CPU time of the workerd processes a benchmark starts, read from /proc (Linux): user + system
 * time of a process and its descendants. A Worker's CPU per beacon is the difference over a run
 * divided by the beacons it answered; Miniflare and `wrangler dev` each run one workerd process
 * (the Worker and its Durable Objects in it), so the figure includes the object's work.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, ms. */
  cpuMs: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces: split after its closing one.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15.
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid, comm, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Process ids of `root` and every descendant. */
export function descendants(root: number): number[] {
  const stats = allStats();
  const ids = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats) {
      if (!ids.has(s.pid) && ids.has(s.ppid)) {
        ids.add(s.pid);
        grew = true;
      }
    }
  }
  return [...ids];
}

/** The workerd processes below `root` (default: this process). */
export function workerdPids(root = process.pid): number[] {
  return descendants(root).filter((pid) => stat(pid)?.comm === 'workerd');
}

/** Summed CPU time (ms) of these processes now. */
export function cpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += stat(pid)?.cpuMs ?? 0;
  return total;
}

/**
 * Starts something that spawns workerd and returns it with the workerd process ids it added.
 *
 * @example
 * const { value: worker, pids } = await withNewWorkerd(() => startIngestMiniflare(opts));
 */
export async function withNewWorkerd<T>(
  start: () => Promise<T>,
  root = process.pid,
): Promise<{ value: T; pids: number[] }> {
  const before = new Set(workerdPids(root));
  const value = await start();
  const pids = workerdPids(root).filter((pid) => !before.has(pid));
  if (pids.length === 0) throw new Error('no new workerd process found');
  return { value, pids };
}
