/**
 * Starts the local Analytics Engine in its own process, when chdb is installed. chdb is an
 * optional peer dependency (its native library is ~545 MB): without it the devstack runs as
 * before and says why the engine is off.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DevstackError } from '../errors.js';

export interface RunningAnalyticsEngine {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Why the engine cannot run here, or undefined when chdb resolves. */
export function analyticsEngineUnavailableReason(): string | undefined {
  try {
    require.resolve('chdb');
    return undefined;
  } catch {
    return 'chdb is not installed; add it next to @sightline/devstack (`pnpm add -D chdb@3.4.0`) to run the local Analytics Engine';
  }
}

/** The built entry next to the bundle, or the source entry under tsx (tests run the source). */
function engineEntry(): { file: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, 'analytics-engine-process.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  return {
    file: join(here, 'process.ts'),
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
  };
}

export interface StartAnalyticsEngineOptions {
  /** The engine's data directory (ClickHouse's files). */
  dir: string;
  accountId: string;
  apiToken: string;
  log: (line: string) => void;
}

function forward(child: ChildProcess, log: (line: string) => void): void {
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim()) log(`[analytics-engine] ${line}`);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
}

/**
 * Forks the engine process and resolves once it serves.
 *
 * @example
 * const engine = await startAnalyticsEngine({ dir, accountId, apiToken, log: console.log });
 * await engine.stop();
 */
export async function startAnalyticsEngine(
  options: StartAnalyticsEngineOptions,
): Promise<RunningAnalyticsEngine> {
  const { file, execArgv } = engineEntry();
  // The directory as an argument too, so a later devstack can recognise an orphan by its
  // command line (lock.ts).
  const child = fork(file, [options.dir], {
    execArgv,
    env: {
      ...process.env,
      SIGHTLINE_AE_DIR: options.dir,
      SIGHTLINE_AE_ACCOUNT_ID: options.accountId,
      SIGHTLINE_AE_API_TOKEN: options.apiToken,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  forward(child, options.log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out after 60 s')), 60_000);
    child.once('message', (message: { ready?: number; error?: string }) => {
      clearTimeout(timer);
      if (message.ready) resolve(message.ready);
      else reject(new Error(message.error ?? 'no port reported'));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${String(code)} while starting`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new DevstackError(
      'ANALYTICS_ENGINE_START_FAILED',
      `the local Analytics Engine did not start: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
  let stopping = false;
  void exited.then((code) => {
    if (!stopping) options.log(`[analytics-engine] exited unexpectedly with code ${String(code)}`);
  });
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
