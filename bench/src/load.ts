/**
 * A bounded load generator: `connections` keep-alive sockets, each sending the next request as
 * soon as the previous answer arrived (closed loop: the server's pace), or at a fixed total
 * `ratePerSecond` spread over the sockets (open loop: a socket still waits for its answer, so a
 * server slower than the rate gets a closed loop again; the achieved rate is reported), until
 * `durationMs` or `maxRequests`. Only ever against loopback. Latency is measured from write to
 * the end of the response body.
 */
import { Agent, request } from 'node:http';
import { summarize, round, type Summary } from './stats.js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationMs: number;
  maxRequests?: number;
  /** Open loop: this many requests per second in total; absent: closed loop. */
  ratePerSecond?: number;
  headers: Record<string, string>;
  /** The next request body (and the event ids it carries). */
  next: () => { body: string; ids: string[] };
  /** Called with the ids of every request that was accepted (2xx). */
  onAccepted?: (ids: string[]) => void;
}

/** Thrown by `next` to end a run early (a background load stopped by its owner). */
export class StopLoad extends Error {}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  ok: number;
  non2xx: Record<string, number>;
  errors: number;
  /** The first few distinct error messages (socket resets and the like). */
  errorMessages: string[];
  requestsPerSecond: number;
  latencyMs: Summary;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  if (!['127.0.0.1', 'localhost'].includes(target.hostname))
    throw new Error(`load only against loopback, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const non2xx: Record<string, number> = {};
  let errors = 0;
  const errorMessages = new Set<string>();
  let sent = 0;
  let ok = 0;
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const one = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          agent,
          headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });

  /** Per socket, in open loop: the time between two sends. */
  const interval = options.ratePerSecond ? (options.connections * 1000) / options.ratePerSecond : 0;

  const loop = async (socket: number): Promise<void> => {
    // Sockets start staggered so the sends of an open loop are evenly spaced.
    let due = started + (interval * socket) / options.connections;
    while (sent < max && performance.now() < deadline) {
      if (interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        // Behind schedule (a slow answer): send now, but never a burst to catch up.
        due = Math.max(due + interval, performance.now());
      }
      let item: { body: string; ids: string[] };
      try {
        item = options.next();
      } catch (error) {
        if (error instanceof StopLoad) return;
        throw error;
      }
      sent++;
      const { body, ids } = item;
      const t0 = performance.now();
      try {
        const status = await one(body);
        latencies.push(performance.now() - t0);
        if (status >= 200 && status < 300) {
          ok++;
          options.onAccepted?.(ids);
        } else non2xx[status] = (non2xx[status] ?? 0) + 1;
      } catch (error) {
        errors++;
        if (errorMessages.size < 5) errorMessages.add(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, socket) => loop(socket)));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    connections: options.connections,
    seconds: round(seconds, 2),
    requests: latencies.length + errors,
    ok,
    non2xx,
    errors,
    errorMessages: [...errorMessages],
    requestsPerSecond: round(ok / seconds),
    latencyMs: summarize(latencies),
  };
}
