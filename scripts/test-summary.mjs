#!/usr/bin/env node
// Adds up the vitest summaries in a `pnpm test` log (one per package and project) and prints
// one closing line: `tests: N passed, M failed`.
import { readFileSync } from 'node:fs';
import process from 'node:process';

// eslint-disable-next-line no-control-regex -- stripping ANSI colour codes from a log
const text = readFileSync(process.argv[2] ?? 0, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
  const summary = /^\S*\s*Tests\s+(.*\(\d+\))\s*$/.exec(line);
  if (!summary) continue;
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(summary[1])?.[1] ?? 0);
  passed += count('passed');
  failed += count('failed');
  skipped += count('skipped');
}
process.stdout.write(
  `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
);
