import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevstack } from './devstack.js';
import { defaultDataDir } from './paths.js';

const USAGE = `usage: sightline-devstack <command> [options]

commands:
  start [--json] [--port N] [--data-dir DIR] [--migrations DIR] [--no-analytics-engine]
        start Postgres, PostgREST, Auth, Realtime, the inbox, the local Analytics Engine and the
        gateway; runs until SIGINT/SIGTERM. --json prints one line of JSON on stdout:
        {"url","anonKey","serviceRoleKey","jwtSecret","dbUrl","publishableKey","secretKey",
        "authUrl","jwksUrl","inboxUrl","emailApiUrl","emailApiKey","analyticsEngine"};
        analyticsEngine is {"available":true,"url","accountId","apiToken","sqlUrl"} or
        {"available":false,"reason"}. --no-analytics-engine skips the local Analytics Engine.
  reset [--data-dir DIR]
        delete the local data (database and keys).`;

function logToStderr(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}

async function start(values: {
  json?: boolean;
  port?: string;
  'data-dir'?: string;
  migrations?: string;
  'no-analytics-engine'?: boolean;
}): Promise<void> {
  const stack = await startDevstack({
    ...(values['no-analytics-engine'] ? { analyticsEngine: false } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.migrations ? { migrationsDir: values.migrations } : {}),
    ...(values.port ? { port: Number.parseInt(values.port, 10) } : {}),
    log: logToStderr,
  });
  const engine = stack.analyticsEngine;
  // The first five fields are the original ones, kept first and unchanged for older scripts.
  const info = {
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    dbUrl: stack.dbUrl,
    publishableKey: stack.publishableKey,
    secretKey: stack.secretKey,
    authUrl: stack.authUrl,
    jwksUrl: stack.jwksUrl,
    inboxUrl: stack.inboxUrl,
    emailApiUrl: stack.emailApiUrl,
    emailApiKey: stack.emailApiKey,
    analyticsEngine: engine.available
      ? {
          available: true,
          url: engine.url,
          accountId: engine.accountId,
          apiToken: engine.apiToken,
          sqlUrl: engine.sqlUrl,
        }
      : { available: false, reason: engine.reason },
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(info) + '\n');
  } else {
    const rows: [string, string][] = [
      ['API URL', info.url],
      ['publishable key', info.publishableKey],
      ['secret key', info.secretKey],
      ['JWKS', info.jwksUrl],
      ['inbox', info.inboxUrl],
      ['e-mail API (Resend)', `${info.emailApiUrl}  key ${info.emailApiKey}`],
      ['anon key (legacy)', info.anonKey],
      ['service_role (legacy)', info.serviceRoleKey],
      ['JWT secret (legacy)', info.jwtSecret],
      ['DB URL', info.dbUrl],
      engine.available
        ? ['Analytics Engine SQL', `${engine.sqlUrl}  token ${engine.apiToken}`]
        : ['Analytics Engine', `unavailable (${engine.reason})`],
    ];
    process.stdout.write(
      'Sightline devstack is running.\n' +
        rows.map(([name, value]) => `  ${(name + ':').padEnd(23)}${value}\n`).join('') +
        'Press Ctrl-C to stop.\n',
    );
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logToStderr(`devstack: ${signal} received, stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logToStderr(`devstack: stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
}

async function reset(values: { 'data-dir'?: string }): Promise<void> {
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  if (existsSync(join(dataDir, 'pg', 'postmaster.pid'))) {
    logToStderr(
      `devstack: ${dataDir} looks in use (postmaster.pid exists); stop the running devstack first`,
    );
    process.exitCode = 1;
    return;
  }
  await rm(dataDir, { recursive: true, force: true });
  logToStderr(`devstack: removed ${dataDir}`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      migrations: { type: 'string' },
      'no-analytics-engine': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (command === 'start') return start(values);
  if (command === 'reset') return reset(values);
  process.stderr.write(USAGE + '\n');
  process.exitCode = values.help ? 0 : 2;
}

main().catch((error: unknown) => {
  logToStderr(`devstack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
