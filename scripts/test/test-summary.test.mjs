import { describe, expect, it } from 'vitest';
import { failedRun, summarise, summaryLine } from '../test-summary.mjs';

const passingPackage = (name, tests) =>
  [
    `${name}:test:  Test Files  3 passed (3)`,
    `${name}:test:       Tests  ${tests} passed (${tests})`,
  ].join('\n');
const tasks = (successful, total, failed = []) =>
  [
    ` Tasks:    ${successful} successful, ${total} total`,
    ...(failed.length ? [` Failed:    ${failed.join(', ')}`] : []),
  ].join('\n');

describe('the test summary', () => {
  it('adds up every package and passes a clean run', () => {
    const summary = summarise(
      [passingPackage('@sightline/a', 10), passingPackage('@sightline/b', 5), tasks(4, 4)].join(
        '\n',
      ),
    );
    expect(summaryLine(summary)).toBe('tests: 15 passed, 0 failed; tasks: 0 of 4 failed');
    expect(failedRun(summary)).toBe(false);
  });

  it('counts a test file that failed to run, although vitest counts no test for it', () => {
    const summary = summarise(
      [
        '@sightline/a:test:  FAIL   node  test/x.test.ts [ test/x.test.ts ]',
        '@sightline/a:test:  Test Files  1 failed | 9 passed (10)',
        '@sightline/a:test:       Tests  253 passed (253)',
        '@sightline/a#test:  ERROR  command (/x/packages/a) /usr/bin/pnpm run test exited (1)',
        tasks(3, 4, ['@sightline/a#test']),
      ].join('\n'),
    );
    expect(summaryLine(summary)).toBe(
      'tests: 253 passed, 0 failed; 1 test file failed; tasks: 1 of 4 failed (@sightline/a#test)',
    );
    expect(failedRun(summary)).toBe(true);
  });

  it('counts a crashed worker (an unhandled error) and failed tests', () => {
    const summary = summarise(
      [
        '\x1b[2m Test Files \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m | 2 passed (3)',
        '\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[31m2 failed\x1b[39m | 8 passed | 1 skipped (11)',
        '\x1b[2m     Errors \x1b[22m \x1b[1m\x1b[31m1 error\x1b[39m',
        'Type Errors  no errors',
        tasks(1, 2, ['@sightline/b#test']),
      ].join('\n'),
    );
    expect(summary).toMatchObject({ passed: 8, failed: 2, skipped: 1, errors: 1, failedFiles: 1 });
    expect(failedRun(summary)).toBe(true);
  });

  it('counts a task that failed before any test ran (no vitest summary at all)', () => {
    const summary = summarise(
      [
        passingPackage('@sightline/a', 10),
        '@sightline/b#test:  ERROR  command (/x/packages/b) /usr/bin/pnpm run test exited (137)',
        tasks(1, 2, ['@sightline/b#test']),
      ].join('\n'),
    );
    expect(summary.failedTasks).toEqual(['@sightline/b#test']);
    expect(failedRun(summary)).toBe(true);
  });

  it('fails a run whose turbo never reported its tasks (killed, or crashed itself)', () => {
    const summary = summarise(passingPackage('@sightline/a', 10));
    expect(summaryLine(summary)).toBe('tests: 10 passed, 0 failed; tasks: turbo did not finish');
    expect(failedRun(summary)).toBe(true);
  });
});
