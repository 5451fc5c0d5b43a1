/** A closed-loop HTTP load generator: `connections` keep-alive sockets, each sending back to back. */
import { Agent, request } from 'node:http';
import { percentile } from '@sightline/test-utils';

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
}

function once(
  agent: Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs for `durationMs`; `makeBody` builds each request's body. */
export async function load(
  target: string,
  connections: number,
  durationMs: number,
  makeBody: () => string,
  headers: Record<string, string>,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(target);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          const status = await once(agent, url, makeBody(), headers);
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    connections,
    durationS: Number(elapsed.toFixed(2)),
    requests: latencies.length,
    errors,
    statuses,
    requestsPerS: Math.round(latencies.length / elapsed),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
  };
}
