/** What the devstack asks of other processes when it recovers from one that died. */
import { readFile } from 'node:fs/promises';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process's command line with NULs as spaces; '' when there is no such process. */
export function processCommand(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.replaceAll('\0', ' '))
    .catch(() => '');
}
