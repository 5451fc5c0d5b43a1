#!/usr/bin/env node
// The closing line of a `pnpm test` run, read from its log: the vitest summaries of every package
// and project, added up, and the turbo tasks that failed. Anything that failed counts: a failed
// test, a test file that could not run (an import error: vitest counts no test for it), an
// unhandled error (a crashed worker), a task that exited non-zero or never reported.
// As a command: `node scripts/test-summary.mjs <log>` prints the line and exits 1 on any failure.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ passed: number, failed: number, skipped: number, failedFiles: number,
 *   errors: number, tasks: number | undefined, failedTasks: string[] }} TestSummary
 */

/** @returns {TestSummary} */
export function summarise(log) {
  // eslint-disable-next-line no-control-regex -- stripping ANSI colour codes from a log
  const text = log.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failedFiles: 0,
    errors: 0,
    tasks: undefined,
    failedTasks: [],
  };
  const failedTasks = new Set();
  const count = (line, word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  for (const line of text.split('\n')) {
    // A package's lines come prefixed with `<package>:<task>: ` by turbo.
    const body = line.replace(/^\S+:\S+: /, '');
    let match;
    if ((match = /^\s*Tests\s+(.*\(\d+\))\s*$/.exec(body))) {
      summary.passed += count(match[1], 'passed');
      summary.failed += count(match[1], 'failed');
      summary.skipped += count(match[1], 'skipped');
    } else if ((match = /^\s*Test Files\s+(.*\(\d+\))\s*$/.exec(body))) {
      summary.failedFiles += count(match[1], 'failed');
    } else if ((match = /^\s*Errors\s+(\d+) errors?/.exec(body))) {
      summary.errors += Number(match[1]);
    } else if ((match = /^\s*Tasks:\s+\d+ successful, (\d+) total/.exec(line))) {
      summary.tasks = Number(match[1]);
    } else if ((match = /^\s*Failed:\s+(.+)$/.exec(line))) {
      for (const task of match[1].split(',')) failedTasks.add(task.trim());
    } else if ((match = /^(\S+#\S+):\s+ERROR\s+command .* exited \(\d+\)/.exec(line))) {
      failedTasks.add(match[1]);
    }
  }
  summary.failedTasks = [...failedTasks].sort();
  return summary;
}

/** True when the run must not pass: something failed, or turbo never reported its tasks. */
export function failedRun(summary) {
  return (
    summary.failed > 0 ||
    summary.failedFiles > 0 ||
    summary.errors > 0 ||
    summary.failedTasks.length > 0 ||
    summary.tasks === undefined
  );
}

/** `tests: 838 passed, 2 failed; 1 test file failed; tasks: 1 of 15 failed (a#test)` */
export function summaryLine(summary) {
  const parts = [
    `tests: ${summary.passed} passed, ${summary.failed} failed` +
      (summary.skipped ? `, ${summary.skipped} skipped` : ''),
  ];
  if (summary.failedFiles)
    parts.push(`${summary.failedFiles} test file${summary.failedFiles === 1 ? '' : 's'} failed`);
  if (summary.errors)
    parts.push(`${summary.errors} unhandled error${summary.errors === 1 ? '' : 's'}`);
  if (summary.tasks === undefined) parts.push('tasks: turbo did not finish');
  else
    parts.push(
      `tasks: ${summary.failedTasks.length} of ${summary.tasks} failed` +
        (summary.failedTasks.length ? ` (${summary.failedTasks.join(', ')})` : ''),
    );
  return parts.join('; ');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const summary = summarise(readFileSync(process.argv[2] ?? 0, 'utf8'));
  process.stdout.write(`${summaryLine(summary)}\n`);
  process.exit(failedRun(summary) ? 1 : 0);
}
