/** The worker thread of background-load.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { trafficSource } from './beacons.js';
import { runLoad, StopLoad } from './load.js';
import type { BackgroundLoadOptions } from './background-load.js';

const options = workerData as BackgroundLoadOptions;
let stopping = false;
parentPort?.on('message', () => (stopping = true));
const source = trafficSource(options.site, options.visits);
const result = await runLoad({
  url: options.url,
  connections: options.connections,
  ratePerSecond: options.ratePerSecond,
  durationMs: 600_000,
  headers: options.headers,
  next: () => {
    if (stopping) throw new StopLoad();
    return source();
  },
});
parentPort?.postMessage(result);
