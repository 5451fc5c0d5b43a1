import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A spawned child whose output is forwarded line by line and whose exit can be awaited. */
export interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves with the first output line matching `pattern`; rejects if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends `signal` and waits for exit; SIGKILL after `graceMs`. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
  log: (line: string) => void,
): Child {
  const proc = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const watchers = new Set<(line: string) => void>();
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      log(`[${name}] ${line}`);
      for (const watcher of watchers) watcher(line);
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => resolve(code));
    proc.on('error', (error) => {
      log(`[${name}] ${error.message}`);
      resolve(null);
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  return {
    process: proc,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(
            new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${String(pattern)}`),
          );
        }, timeoutMs);
        const watcher = (line: string): void => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(line);
        };
        watchers.add(watcher);
        void exited.then((code) => {
          clearTimeout(timer);
          if (watchers.delete(watcher))
            reject(new Error(`${name} exited with code ${String(code)}`));
        });
      });
    },
    async stop(signal, graceMs = 10_000) {
      if (hasExited || proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
