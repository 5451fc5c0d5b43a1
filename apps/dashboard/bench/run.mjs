/* global URL, process -- a Node script; the shared config gives .mjs files no Node globals */
// `pnpm bench` for the dashboard: builds nothing itself (turbo's bench task depends on build),
// runs the Chromium-vs-devstack suite in bench mode (200 latency samples) and writes
// bench/results/dashboard/results.json and docs/images/live-map.png at the repository root.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'e2e'], {
  cwd,
  stdio: 'inherit',
  env: { ...process.env, SIGHTLINE_DASHBOARD_BENCH: '1' },
});
process.exit(result.status ?? 1);
