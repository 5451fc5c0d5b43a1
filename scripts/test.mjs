#!/usr/bin/env node
// `pnpm test`: every package's tests through turbo, all of them even when one fails (--continue),
// then one honest closing line (scripts/test-summary.mjs) and an exit status that agrees with it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { failedRun, summarise, summaryLine } from './test-summary.mjs';

await run('node', ['scripts/ensure-chromium.mjs'], { stdio: 'inherit' });

const turbo = spawn(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', ...process.argv.slice(2)],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let log = '';
for (const [stream, sink] of [
  [turbo.stdout, process.stdout],
  [turbo.stderr, process.stderr],
]) {
  stream.setEncoding('utf8');
  stream.on('data', (text) => {
    log += text;
    sink.write(text);
  });
}
const [code] = await once(turbo, 'close');
const summary = summarise(log);
process.stdout.write(`\n${summaryLine(summary)}\n`);
process.exit(code !== 0 || failedRun(summary) ? 1 : 0);

async function run(command, args, options) {
  const child = spawn(command, args, options);
  const [status] = await once(child, 'exit');
  if (status !== 0) process.exit(status ?? 1);
}
