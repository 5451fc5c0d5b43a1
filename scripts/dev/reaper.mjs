// `pnpm dev`'s reaper: a small process in a session of its own, holding a pipe from `pnpm dev`.
// When the pipe closes without the word "done" (pnpm dev died, SIGKILL included, which no signal
// handler sees), it stops everything pnpm dev recorded: the Worker, Vite and their children, then
// the devstack's Postgres and PostgREST. Usage: node reaper.mjs <data dir> (its parent is pnpm dev)
import process from 'node:process';
import { readRecord, removeRecord, stopGroups } from './leftovers.mjs';

const dataDir = process.argv[2];
const ownerPid = process.ppid;
let done = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  if (text.includes('done')) done = true;
});
process.stdin.on('error', () => undefined);
process.stdin.on('close', () => void reap());

async function reap() {
  if (!done) {
    const record = readRecord(dataDir);
    if (record?.ownerPid === ownerPid) await stopGroups(record);
    // Imported only when needed: it is built by pnpm dev's first step, after this process starts.
    const { stopOrphans } = await import('@sightline/devstack');
    await stopOrphans(`${dataDir}/devstack`, () => undefined).catch(() => undefined);
    removeRecord(dataDir, ownerPid);
  }
  process.exit(0);
}
