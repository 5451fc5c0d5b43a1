/**
 * Background traffic in a worker thread: the load generator then does not share an event loop
 * with what the benchmark measures in this process (the devstack's gateway and Realtime server,
 * the dashboard client), just as real visitors do not share a CPU with Supabase.
 */
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load.js';

export interface BackgroundLoadOptions {
  url: string;
  site: string;
  /** Distinct visitors the traffic cycles through. */
  visits: number;
  connections: number;
  /** Open loop at this total rate; absent: closed loop (as fast as the server answers). */
  ratePerSecond?: number;
  headers: Record<string, string>;
}

export interface BackgroundLoad {
  /** Ends the traffic; resolves with what it achieved. */
  stop(): Promise<LoadResult>;
}

export function startBackgroundLoad(options: BackgroundLoadOptions): BackgroundLoad {
  const worker = new Worker(new URL('./background-load-thread.mjs', import.meta.url), {
    workerData: options,
  });
  const done = new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`background load exited with ${code}`)));
  });
  return {
    async stop() {
      worker.postMessage('stop');
      try {
        return await done;
      } finally {
        await worker.terminate();
      }
    },
  };
}
