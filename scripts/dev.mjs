#!/usr/bin/env node
// `pnpm dev`: the whole local stack with no account, no Docker and no network — the devstack
// (Postgres, PostgREST, Realtime), migrations and a seeded demo site, the ingest Worker under
// `wrangler dev`, the dashboard under Vite, a demo website and a traffic simulator.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemoSite } from '@sightline/demo-site';
import { freePort } from './dev/ports.mjs';
import { onChildSpawn, startChild, stopChildren, waitForChild } from './dev/processes.mjs';
import {
  alive,
  isDevOwner,
  readRecord,
  removeRecord,
  stopGroups,
  writeRecord,
} from './dev/leftovers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    traffic: { type: 'boolean', default: true },
    'no-traffic': { type: 'boolean', default: false },
    rate: { type: 'string', default: '2' },
    // Where the stack keeps its state (the devstack's cluster, what is running). Tests use their own.
    'data-dir': { type: 'string', default: join(root, '.sightline') },
  },
});
const withTraffic = args.traffic && !args['no-traffic'];
const dataDir = resolve(args['data-dir']);
const has = (path) => existsSync(join(root, path));
const missing = [];

// A closed terminal (SIGHUP) must not turn the shutdown's own output into a crash.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

/** Prints a step, and every 15 s while it lasts, so a long first build is not silent. */
let stepTimer;
function step(text) {
  clearInterval(stepTimer);
  const started = Date.now();
  process.stdout.write(`\x1b[1m▸ ${text}\x1b[0m\n`);
  stepTimer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`  … still ${text} (${seconds} s)\n`);
  }, 15_000);
  stepTimer.unref();
}
const stepsDone = () => clearInterval(stepTimer);

// What an earlier `pnpm dev` left running (killed before its reaper could act) is stopped first.
mkdirSync(dataDir, { recursive: true });
const previous = readRecord(dataDir);
if (previous && isDevOwner(previous.ownerPid, root)) {
  if (!previous.stopping) {
    process.stderr.write(
      `pnpm dev is already running here (pid ${previous.ownerPid}); stop it first\n`,
    );
    process.exit(1);
  }
  step(`waiting for the previous pnpm dev (pid ${previous.ownerPid}) to finish stopping`);
  for (let waited = 0; alive(previous.ownerPid) && waited < 60_000; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
}
if (previous) {
  const stopped = await stopGroups(previous);
  if (stopped > 0) step(`stopped ${stopped} processes left by an earlier pnpm dev`);
  removeRecord(dataDir, previous.ownerPid);
}
const record = { ownerPid: process.pid, root, dataDir, groups: [] };
writeRecord(record);
onChildSpawn((label, pgid) => {
  record.groups.push({ label, pgid });
  writeRecord(record);
});
// The reaper stops everything recorded if this process dies without stopping it (SIGKILL).
const reaper = spawn(process.execPath, [join(root, 'scripts/dev/reaper.mjs'), dataDir], {
  detached: true,
  stdio: ['pipe', 'ignore', 'ignore'],
});
reaper.unref();
reaper.stdin.on('error', () => undefined);

/** The devstack, from the moment it starts starting: a stop meanwhile waits for it, then stops it. */
let stackStarting;
let shuttingDown = false;
/** Never settles: what runs after a stop began waits here for the exit. */
const halt = () => new Promise(() => undefined);
async function shutdown(code = 0) {
  if (shuttingDown) return halt();
  shuttingDown = true;
  stepsDone();
  // A pnpm dev started meanwhile (a new terminal) waits for this one instead of refusing.
  record.stopping = true;
  writeRecord(record);
  process.stdout.write('\nstopping…\n');
  await stopChildren();
  await stackStarting?.then(
    (stack) => stack.stop(),
    () => undefined,
  );
  removeRecord(dataDir, process.pid);
  reaper.stdin.end('done\n');
  process.exit(code);
}
// Ctrl-C, a stop request and a closed terminal all stop everything, and exit 0.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));
// pnpm itself killed (no signal reaches this process): this process is re-parented.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(0);
}, 1_000).unref();

// Build what the stack runs from (cached by turbo: a no-op when nothing changed).
step('building the packages (turbo, cached; the first build takes a minute or two)');
try {
  const build = await startChild(
    'build',
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--output-logs=hash-only', '--filter=./packages/*'],
    { cwd: root, quiet: true },
  );
  build.stdout.on('data', (text) => {
    for (const [, pkg] of String(text).matchAll(/^(\S+):build: cache miss/gm))
      process.stdout.write(`  building ${pkg}\n`);
  });
  build.stderr.pipe(process.stderr);
  const [code] = await once(build, 'exit');
  if (code !== 0) throw new Error(`the build failed (exit ${code})`);
} catch (error) {
  process.stderr.write(`pnpm dev: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}

/** The dashboard's runtime config for this run, in the data directory; returns its path. */
async function writeDashboardConfig(config) {
  const file = join(dataDir, 'dashboard-config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

// Imported only now: a fresh clone has no build of it before the step above.
const { startDevstack } = await import('@sightline/devstack');
if (shuttingDown) await halt();
step('starting the devstack: embedded Postgres, PostgREST, Realtime');
stackStarting = startDevstack({ dataDir: join(dataDir, 'devstack') });
const stack = await stackStarting;

try {
  const { seedDemo, seedDemoOwner, mintToken } = await import('./dev/seed.mjs');
  const site = await seedDemo(stack, root);
  const token = site ? await mintToken(stack, site) : null;
  const owner = site ? await seedDemoOwner(stack, site) : null;
  if (!site) missing.push('database migrations and seed (supabase/)');

  // Chosen before the Worker starts: links in the e-mails it sends point at the dashboard.
  const dashboardPort = has('apps/dashboard/index.html') ? await freePort() : null;
  let ingestUrl = null;
  if (has('apps/ingest/wrangler.jsonc') && site) {
    const port = await freePort();
    step('starting the ingest Worker under wrangler dev');
    const ingest = await startChild(
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
        '--var',
        `SUPABASE_PUBLISHABLE_KEY:${stack.publishableKey}`,
        // The Stats API reads the local Analytics Engine (docs/stats-api.md).
        ...(stack.analyticsEngine.available
          ? [
              '--var',
              `ANALYTICS_ENGINE_SQL_URL:${stack.analyticsEngine.sqlUrl}`,
              '--var',
              `ANALYTICS_ENGINE_API_TOKEN:${stack.analyticsEngine.apiToken}`,
            ]
          : []),
        // Scheduled reports and spike alerts e-mail the devstack's inbox (its Resend API);
        // GET /__scheduled?cron=5+*+*+*+* on the Worker runs the Cron Trigger by hand.
        '--var',
        `EMAIL_API_URL:${stack.emailApiUrl}`,
        '--var',
        `EMAIL_API_KEY:${stack.emailApiKey}`,
        ...(dashboardPort ? ['--var', `DASHBOARD_URL:http://127.0.0.1:${dashboardPort}`] : []),
        '--test-scheduled',
      ],
      {
        cwd: join(root, 'apps/ingest'),
        env: {
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_SEND_METRICS: 'false',
          // wrangler dev reads declared secrets from the environment.
          SUPABASE_SECRET_KEY: stack.secretKey,
          // The key the Worker mints live and share passes with: one the stack trusts.
          SIGHTLINE_SIGNING_KEY: JSON.stringify(stack.signingKey),
          IP_HASH_SALT: 'local-development-salt',
          // Where EVENTS_AE's data points go (the devstack's Miniflare plugin, wrangler.jsonc).
          ...(stack.analyticsEngine.available
            ? {
                SIGHTLINE_AE_URL: stack.url,
                SIGHTLINE_AE_API_TOKEN: stack.analyticsEngine.apiToken,
              }
            : {}),
        },
      },
    );
    // wrangler dev reports a build error and waits for a fix: fail the start with it instead.
    await waitForChild(
      ingest,
      'the ingest Worker',
      `http://127.0.0.1:${port}/v1/health`,
      /Build failed/,
    );
    ingestUrl = `http://127.0.0.1:${port}`;
  } else missing.push('the ingest Worker (apps/ingest)');

  let dashboardUrl = null;
  if (dashboardPort) {
    const port = dashboardPort;
    step('starting the dashboard under Vite');
    await startChild(
      'dashboard',
      'pnpm',
      ['exec', 'vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      {
        cwd: join(root, 'apps/dashboard'),
        env: {
          // The runtime config (served as /config.json by vite.config.ts): the demo owner's
          // sign-in, so the dashboard opens with a real session as the demo site's owner.
          SIGHTLINE_DASHBOARD_CONFIG: await writeDashboardConfig({
            supabaseUrl: stack.url,
            publishableKey: stack.publishableKey,
            ingestUrl: ingestUrl ?? '',
            ...(owner ? { demo: owner } : {}),
          }),
        },
        ready: /Local:|ready in/,
      },
    );
    dashboardUrl = `http://127.0.0.1:${port}/`;
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
  Supabase API (REST, Auth, RT)  ${stack.url}
  e-mail inbox (Auth's mails)    ${stack.inboxUrl}
  Postgres                       ${stack.dbUrl}
  publishable key                ${stack.publishableKey}
  anon key (legacy)              ${stack.anonKey}
  Analytics Engine (SQL API)     ${
    stack.analyticsEngine.available
      ? `${stack.analyticsEngine.sqlUrl}
  Analytics Engine token         ${stack.analyticsEngine.apiToken}`
      : `unavailable: ${stack.analyticsEngine.reason}`
  }
${ingestUrl ? `  ingest Worker                  ${ingestUrl}\n` : ''}${dashboardUrl ? `  dashboard (signed in)          ${dashboardUrl}\n` : ''}${demoUrl ? `  demo website                   ${demoUrl}\n` : ''}${owner ? `  demo owner (e-mail, password)  ${owner.email}  ${owner.password}\n` : ''}${token ? `  service token (demo site)      ${token}\n` : ''}${withTraffic && demoUrl ? `  traffic simulator              ${args.rate} visits/s (--no-traffic to disable)\n` : ''}${missing.length ? `\n  not there yet: ${missing.join('; ')}\n` : ''}
Press Ctrl-C to stop everything.
`);
  stepsDone();
} catch (error) {
  process.stderr.write(`pnpm dev: ${error instanceof Error ? error.stack : String(error)}\n`);
  await shutdown(1);
}
