/**
 * `pnpm --silent score:eval <file.csv>` end to end: run from the repository root as a
 * reader of the docs would, on a fixture cut from the shared training data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictConversion } from '../src/value-score/index.js';
import { pairwiseAuc, readTrainCsv, repoRoot, trainCsvPath } from './value-score-helpers.js';

const run = promisify(execFile);

async function scoreEval(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('pnpm', ['--silent', 'score:eval', file], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const lastJson = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1)!);

let dir: string;
let lines: string[];

beforeAll(() => {
  lines = readTrainCsv().trim().split(/\r?\n/);
  dir = mkdtempSync(join(tmpdir(), 'value-score-'));
});

describe.concurrent('score:eval', () => {
  it('prints {"auc", "n"} last, with the AUC of the shipped model', async () => {
    // Every 40th session: about 250 rows with both outcomes, cut deterministically.
    const rows = lines.slice(1).filter((_, i) => i % 40 === 0);
    const file = join(dir, 'fixture.csv');
    writeFileSync(file, [lines[0], ...rows].join('\n'));

    const { code, stdout, stderr } = await scoreEval(file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = lastJson(stdout) as { auc: number; n: number };
    expect(Object.keys(out).sort()).toEqual(['auc', 'n']);
    expect(out.n).toBe(rows.length);

    const header = lines[0]!.split(',');
    const at = (r: string[], c: string) => r[header.indexOf(c)]!;
    const cells = rows.map((r) => r.split(','));
    const probs = cells.map((r) =>
      predictConversion({
        pageviews: 0,
        engagedMs: 0,
        pagesByGroup: Object.fromEntries(
          ['Administrative', 'Informational', 'ProductRelated'].map((g) => [
            g,
            { views: Number(at(r, g)), engagedMs: Number(at(r, `${g}_Duration`)) * 1000 },
          ]),
        ),
        returning: at(r, 'VisitorType') === 'Returning_Visitor',
        weekend: at(r, 'Weekend') === 'TRUE',
        month:
          [
            'Jan',
            'Feb',
            'Mar',
            'Apr',
            'May',
            'Jun',
            'Jul',
            'Aug',
            'Sep',
            'Oct',
            'Nov',
            'Dec',
          ].indexOf(at(r, 'Month').slice(0, 3)) + 1,
      }),
    );
    const labels = cells.map((r) => Number(at(r, 'Revenue')));
    expect(out.auc).toBeCloseTo(pairwiseAuc(probs, labels), 5);
  }, 120_000);

  it('reaches AUC ≥ 0.75 on the training split', async () => {
    const { code, stdout } = await scoreEval(trainCsvPath);
    expect(code).toBe(0);
    const out = lastJson(stdout) as { auc: number; n: number };
    expect(out.n).toBe(lines.length - 1);
    expect(out.auc).toBeGreaterThanOrEqual(0.75);
  }, 120_000);

  it('fails clearly on a missing file', async () => {
    const { code, stderr } = await scoreEval(join(dir, 'nope.csv'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/file_unreadable.*nope\.csv/);
  }, 120_000);

  it('fails clearly on a malformed file', async () => {
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, `${lines[0]}\n${lines[1]}\n1,2,3\n`);
    const noColumns = join(dir, 'columns.csv');
    writeFileSync(noColumns, 'a,b\n1,2\n');
    const badValue = join(dir, 'value.csv');
    writeFileSync(badValue, `${lines[0]}\n${lines[1]!.replace(/^0,/, 'many,')}\n`);
    const cases = [
      [ragged, 'csv_malformed'],
      [noColumns, 'csv_missing_column'],
      [badValue, 'csv_bad_value'],
    ] as const;
    const results = await Promise.all(cases.map(([file]) => scoreEval(file)));
    results.forEach((result, i) => {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stdout).toBe('');
    });
  }, 120_000);
});
