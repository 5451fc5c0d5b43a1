import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevstack } from './devstack.js';
import { defaultDataDir } from './paths.js';

const USAGE = `usage: sightline-devstack <command> [options]

commands:
  start [--json] [--port N] [--data-dir DIR] [--migrations DIR] [--schemas DIR]
        start Postgres, PostgREST, Realtime and the gateway; runs until SIGINT/SIGTERM.
        --json prints one line {"url","anonKey","serviceRoleKey","jwtSecret","dbUrl"} on stdout.
        --schemas: re-runnable SQL applied after the migrations on every start (default: the
        schemas folder beside the migrations folder).
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
  schemas?: string;
}): Promise<void> {
  const stack = await startDevstack({
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.migrations ? { migrationsDir: values.migrations } : {}),
    ...(values.schemas ? { schemasDir: values.schemas } : {}),
    ...(values.port ? { port: Number.parseInt(values.port, 10) } : {}),
    log: logToStderr,
  });
  const { url, anonKey, serviceRoleKey, jwtSecret, dbUrl } = stack;
  if (values.json) {
    process.stdout.write(JSON.stringify({ url, anonKey, serviceRoleKey, jwtSecret, dbUrl }) + '\n');
  } else {
    process.stdout.write(
      `Sightline devstack is running.\n  API URL:          ${url}\n  anon key:         ${anonKey}\n` +
        `  service_role key: ${serviceRoleKey}\n  JWT secret:       ${jwtSecret}\n  DB URL:           ${dbUrl}\n` +
        `Press Ctrl-C to stop.\n`,
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
      schemas: { type: 'string' },
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
