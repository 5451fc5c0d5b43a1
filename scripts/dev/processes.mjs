// Child processes for `pnpm dev`: each gets a coloured prefix, its own process group (so Ctrl-C
// stops the whole tree it spawned) and is stopped in reverse start order.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { stripVTControlCharacters } from 'node:util';

const colours = [36, 35, 33, 32, 34, 31];
const children = [];
let onSpawn = () => undefined;
/** Set once stopChildren runs: a child started after that would outlive the stop. */
let stopping = false;

/** Calls `listener(label, pgid)` as each child starts (pnpm dev records them for its reaper). */
export function onChildSpawn(listener) {
  onSpawn = listener;
}

function prefixLines(stream, label, colour, sink) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) sink.write(`\x1b[${colour}m${label.padEnd(9)}\x1b[0m ${line}\n`);
  });
}

/** Start `command args` with prefixed output; resolves once `ready` matches a line (if given). */
export function startChild(label, command, args, { cwd, env, ready, quiet = false } = {}) {
  if (stopping) return Promise.reject(new Error(`not starting ${label}: stopping`));
  const colour = colours[children.length % colours.length];
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push({ label, child });
  // detached: the child leads a process group of its own, whose id is its pid.
  if (child.pid !== undefined) onSpawn(label, child.pid);
  if (!quiet) {
    prefixLines(child.stdout, label, colour, process.stdout);
    prefixLines(child.stderr, label, colour, process.stderr);
  }
  if (!ready) return Promise.resolve(child);
  const watch = untilOutput(child, label, ready);
  return watch.matched.then(() => child).finally(watch.stop);
}

/**
 * Watches what `child` prints until `pattern` matches: `matched` resolves with the matching line,
 * or rejects when the child exits first; `stop()` stops watching.
 */
function untilOutput(child, label, pattern) {
  let stop = () => {};
  const matched = new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen = (seen + chunk).slice(-4096);
      if (pattern.test(seen)) resolve(seen.split('\n').find((l) => pattern.test(l)) ?? seen);
    };
    const onExit = (code) =>
      reject(new Error(`${label} exited with code ${code} before it was ready`));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    stop = () => {
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    };
  });
  return { matched, stop: () => stop() };
}

/** Stop every child: SIGTERM to its process group, SIGKILL after 5 s. */
export async function stopChildren() {
  stopping = true;
  for (const { child } of children.splice(0).reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      continue;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Until `url` answers, or until `child` prints what says it never will (`failed`, e.g. a build
 * error that wrangler dev reports and then waits on) or exits: then the start fails at once with
 * that line instead of waiting out the timeout. Only the start is watched: a later rebuild error
 * while someone edits the Worker is wrangler's to report.
 */
export async function waitForChild(child, label, url, failed, timeoutMs) {
  const watch = untilOutput(child, label, failed);
  const failure = watch.matched.then((line) => {
    throw new Error(`${label} failed to start: ${stripVTControlCharacters(line).trim()}`);
  });
  try {
    await Promise.race([waitForHttp(url, timeoutMs), failure]);
  } finally {
    watch.stop();
    failure.catch(() => {});
  }
}

/** Resolve once `url` answers 2xx; reject after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
