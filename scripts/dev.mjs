#!/usr/bin/env node
// `pnpm dev`: the whole local stack with no account, no Docker and no network — the devstack
// (Postgres, PostgREST, Realtime), migrations and a seeded demo site, the ingest Worker under
// `wrangler dev`, the dashboard under Vite, a demo website and a traffic simulator.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemoSite } from '@sightline/demo-site';
import { freePort } from './dev/ports.mjs';
import { startChild, stopChildren, waitForHttp } from './dev/processes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    traffic: { type: 'boolean', default: true },
    'no-traffic': { type: 'boolean', default: false },
    rate: { type: 'string', default: '2' },
  },
});
const withTraffic = args.traffic && !args['no-traffic'];
const has = (path) => existsSync(join(root, path));
const missing = [];
const step = (text) => process.stdout.write(`\x1b[1m▸ ${text}\x1b[0m\n`);

// Build what the stack runs from (cached by turbo: a no-op when nothing changed).
step('building the packages (turbo, cached)');
execFileSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', '--filter=./packages/*'],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);

step('starting the devstack: embedded Postgres, PostgREST, Realtime');
const { startDevstack } = await import('@sightline/devstack');
const stack = await startDevstack({ dataDir: join(root, '.sightline', 'devstack') });

let shuttingDown = false;
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  process.stdout.write('\nstopping…\n');
  await stopChildren();
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const { seedDemo, mintToken } = await import('./dev/seed.mjs');
  const site = await seedDemo(stack, root);
  const token = site ? await mintToken(stack, site) : null;
  if (!site) missing.push('database migrations and seed (supabase/)');

  let ingestUrl = null;
  if (has('apps/ingest/wrangler.jsonc') && site) {
    const port = await freePort();
    step('starting the ingest Worker under wrangler dev');
    await startChild(
      'ingest',
      'pnpm',
      [
        'exec',
        'wrangler',
        'dev',
        '--env',
        'development',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--log-level',
        'warn',
        '--var',
        `SUPABASE_URL:${stack.url}`,
        '--var',
        'ENVIRONMENT:development',
        '--var',
        'STORE_RAW_EVENTS:true',
      ],
      {
        cwd: join(root, 'apps/ingest'),
        env: {
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_SEND_METRICS: 'false',
          // wrangler dev reads declared secrets from the environment.
          SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
          IP_HASH_SALT: 'local-development-salt',
        },
      },
    );
    await waitForHttp(`http://127.0.0.1:${port}/v1/health`);
    ingestUrl = `http://127.0.0.1:${port}`;
  } else missing.push('the ingest Worker (apps/ingest)');

  let dashboardUrl = null;
  if (has('apps/dashboard/index.html')) {
    const port = await freePort();
    step('starting the dashboard under Vite');
    await startChild(
      'dashboard',
      'pnpm',
      ['exec', 'vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      {
        cwd: join(root, 'apps/dashboard'),
        env: { VITE_SUPABASE_URL: stack.url, VITE_SUPABASE_ANON_KEY: stack.anonKey },
        ready: /Local:|ready in/,
      },
    );
    dashboardUrl = `http://127.0.0.1:${port}/${token ? `#token=${token}` : ''}`;
  } else missing.push('the dashboard (apps/dashboard)');

  let demoUrl = null;
  if (ingestUrl && site) {
    demoUrl = await startDemoSite({ root, ingestUrl, site: site.id });
    if (withTraffic) {
      const { startTraffic } = await import('./dev/traffic.mjs');
      startTraffic({ ingestUrl, site: site.id, origin: demoUrl, rate: Number(args.rate) });
    }
  }

  process.stdout.write(`
\x1b[1mSightline is running\x1b[0m
  Supabase API (REST, Realtime)  ${stack.url}
  Postgres                       ${stack.dbUrl}
  anon key                       ${stack.anonKey}
${ingestUrl ? `  ingest Worker                  ${ingestUrl}\n` : ''}${dashboardUrl ? `  dashboard (signed in)          ${dashboardUrl}\n` : ''}${demoUrl ? `  demo website                   ${demoUrl}\n` : ''}${token ? `  dashboard token (demo site)    ${token}\n` : ''}${withTraffic && demoUrl ? `  traffic simulator              ${args.rate} visits/s (--no-traffic to disable)\n` : ''}${missing.length ? `\n  not there yet: ${missing.join('; ')}\n` : ''}
Press Ctrl-C to stop everything.
`);
} catch (error) {
  process.stderr.write(`pnpm dev: ${error instanceof Error ? error.stack : String(error)}\n`);
  await shutdown(1);
}
