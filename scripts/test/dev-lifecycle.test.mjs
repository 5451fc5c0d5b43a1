// `pnpm dev` leaves nothing behind however it ends. Each run starts in a session of its own, as in
// a terminal; the processes it ran (every descendant, found through /proc, with its start time so
// a reused PID is not mistaken for it) must all be gone after the next start.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-dev-lifecycle-'));
const runs = [];

afterAll(async () => {
  // Whatever a failed assertion left: stop it, by the PIDs this test saw start.
  for (const run of runs) {
    for (const { pid } of stillRunning(run.processes ?? [])) signal(pid, 'SIGKILL');
    signal(-run.child.pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `pnpm dev` as a terminal would (own session and process group) and waits until ready. */
async function startDev() {
  const child = spawn('pnpm', ['dev', '--no-traffic', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, output: '', exited: once(child, 'exit'), processes: undefined };
  runs.push(run);
  await new Promise((resolve, reject) => {
    // A bound, so a start that hangs fails with what it printed rather than the test's timeout.
    const timer = setTimeout(
      () => reject(new Error(`pnpm dev was not ready within 4 minutes:\n${run.output}`)),
      240_000,
    );
    const onData = (chunk) => {
      run.output += chunk;
      if (run.output.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pnpm dev exited (${code}) before it was ready:\n${run.output}`));
    });
  });
  run.processes = descendants(child.pid);
  return run;
}

/** Every process below `pid`, with its start time (field 22 of /proc/<pid>/stat). */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift();
    found.push({ pid: next, start: statFields(next)?.[19], command: command(next) });
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function command(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** The processes of a run that still exist (same PID and start time; zombies count as gone). */
function stillRunning(processes) {
  return processes.filter(({ pid, start }) => {
    const fields = statFields(pid);
    return fields !== undefined && fields[19] === start && fields[0] !== 'Z';
  });
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    /* gone already */
  }
}

const devProcess = (run) => run.processes.find((p) => p.command.includes('scripts/dev.mjs'));
const kinds = (run) => run.processes.map((p) => p.command);

describe('pnpm dev', () => {
  it('leaves nothing behind when killed (SIGKILL) or when its terminal closes (SIGHUP)', async () => {
    const first = await startDev();
    // Sanity: the run is the whole stack (else "nothing left" proves little).
    for (const name of ['postgres', 'postgrest', 'wrangler', 'workerd', 'vite', 'reaper.mjs'])
      expect(
        kinds(first).some((c) => c.includes(name)),
        name,
      ).toBe(true);

    signal(devProcess(first).pid, 'SIGKILL');
    await first.exited;
    const second = await startDev();
    expect(stillRunning(first.processes).map((p) => p.command)).toEqual([]);

    // A closed terminal: SIGHUP to the whole foreground process group.
    signal(-second.child.pid, 'SIGHUP');
    await second.exited;
    const third = await startDev();
    expect(stillRunning(second.processes).map((p) => p.command)).toEqual([]);

    // Ctrl-C: SIGINT to the group. A normal stop exits 0 and pnpm reports no failure.
    signal(-third.child.pid, 'SIGINT');
    const [code] = await third.exited;
    expect(third.output).not.toContain('ELIFECYCLE');
    expect(code).toBe(0);
    // The reaper ends right after it hears "done"; nothing else may outlive pnpm dev's exit.
    await expect
      .poll(() => stillRunning(third.processes).map((p) => p.command), { timeout: 5_000 })
      .toEqual([]);
  });
});
