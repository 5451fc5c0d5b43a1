/**
 * Evaluates the shipped value-score model on any session CSV with the UCI Online Shoppers
 * columns, so anyone can check the published figures:
 *
 *   pnpm --silent score:eval <file.csv> [--no-groups]
 *
 * The last stdout line is JSON: {"auc": <ROC AUC of the predicted probability>, "n": <rows>}.
 * `--no-groups` drops the per-group columns, scoring each visit as a site that declares no
 * content groups would (totals only). Errors go to stderr with a non-zero exit status.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultValueModel, predictConversion, scoreVisit } from '../src/value-score/index.js';
import { runCli } from './lib/cli.js';
import { ScoreScriptError } from './lib/errors.js';
import { loadSessions } from './lib/load.js';
import { auc, brier } from './lib/metrics.js';

runCli(() => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'no-groups': { type: 'boolean' } },
  });
  const arg = positionals[0];
  if (!arg)
    throw new ScoreScriptError('file_unreadable', 'usage: score:eval <sessions.csv> [--no-groups]');
  // pnpm runs scripts from the workspace root; INIT_CWD is where the user typed the command.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  const sessions = loadSessions(path);
  if (values['no-groups']) for (const s of sessions) delete s.features.pagesByGroup;
  const labels = sessions.map((s) => s.label);
  const probs = sessions.map((s) => predictConversion(s.features, defaultValueModel));
  const value = auc(probs, labels);
  if (Number.isNaN(value)) {
    throw new ScoreScriptError(
      'single_class',
      `${path}: AUC needs both converting and non-converting rows (Revenue 1 and 0)`,
    );
  }
  const scores = sessions.map((s) => scoreVisit(s.features, defaultValueModel));
  const positives = labels.filter((y) => y === 1).length;
  console.log(
    `${sessions.length} sessions, ${positives} converted; Brier ${brier(probs, labels).toFixed(4)}; ` +
      `AUC of the integer 0-100 score ${auc(scores, labels).toFixed(4)}`,
  );
  console.log(JSON.stringify({ auc: Number(value.toFixed(6)), n: sessions.length }));
});
