#!/usr/bin/env node
// Part of `pnpm lint`: the repository stands alone. No file may name a path outside it: a
// relative path that climbs above the repository root from where the file sits (more `../` than
// the file is deep), or a machine's own absolute directories. A fresh clone has nothing beside it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Home and work directories of the machines the project is developed on: never in a file. */
const MACHINE_PATH = /(?<![\w.~-])\/(?:work|root|home\/[\w.-]+|Users\/[\w.-]+)\//;
/** A run of `../` (not inside a path such as `a/../b`). */
const CLIMB = /(?<![\w.@/-])((?:\.\.\/)+)/g;
const SKIP = new Set(['pnpm-lock.yaml']);

/**
 * The offending lines of one file, as `path:line: text`.
 * @param {string} file repository-relative path
 * @param {string} text its content
 */
export function outsidePaths(file, text) {
  const depth = dirname(file) === '.' ? 0 : dirname(file).split('/').length;
  const found = [];
  text.split('\n').forEach((line, index) => {
    const climbs = [...line.matchAll(CLIMB)].some((m) => m[1].length / 3 > depth);
    if (climbs || MACHINE_PATH.test(line))
      found.push(`${file}:${index + 1}: ${line.trim().slice(0, 160)}`);
  });
  return found;
}

/** Every tracked or new (not ignored) text file of the repository at `root`. */
export function repositoryFiles(root) {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return out.split('\0').filter((file) => file && !SKIP.has(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const found = [];
  for (const file of repositoryFiles(root)) {
    let text;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue; // deleted in the work tree, or a directory (submodule)
    }
    if (text.includes('\0')) continue; // binary
    found.push(...outsidePaths(file, text));
  }
  if (found.length > 0) {
    process.stderr.write(
      `These lines refer to a path outside the repository (a fresh clone has nothing beside it;\n` +
        `copy what is needed into the repository instead):\n${found.join('\n')}\n`,
    );
    process.exit(1);
  }
}
