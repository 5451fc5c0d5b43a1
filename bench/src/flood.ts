/**
 * A beacon flood from many sources (distinct cf-connecting-ip values) against the ingest Worker,
 * for rate-limit accuracy. The limits use fixed one-minute windows, so a flood starts early in
 * a window.
 */
import { Agent, request } from 'node:http';
import { batch, beaconHeaders, newVisit, pageview } from './beacons.js';

export async function startOfWindowWithRoom(seconds: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 100));
}

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent: Agent,
): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export interface FloodBeacon {
  ip: string;
  events: number;
}

export async function flood(
  workerUrl: string,
  site: string,
  beacons: FloodBeacon[],
  concurrency = 16,
): Promise<{ status: number; ip: string; events: number }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const out: { status: number; ip: string; events: number }[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < beacons.length) {
          const b = beacons[next++]!;
          const body = JSON.stringify(
            batch(
              site,
              Array.from({ length: b.events }, () => pageview(newVisit())),
            ),
          );
          let status = 0;
          // A reset before any answer is retried (the limiter never saw it).
          for (let attempt = 0; status === 0 && attempt < 4; attempt++)
            status = await post(
              `${workerUrl}/v1/events`,
              body,
              beaconHeaders('https://example.com', b.ip),
              agent,
            );
          out.push({ status, ...b });
        }
      }),
    );
    return out;
  } finally {
    agent.destroy();
  }
}

/** 400 sources offering `events` in beacons of 10 against one site's per-minute limit. */
export const siteFlood = (events: number): FloodBeacon[] =>
  Array.from({ length: events / 10 }, (_, i) => ({
    ip: `10.1.${(i % 400) >> 8}.${i % 256}`,
    events: 10,
  }));

/** `sources` sources each sending `each` one-event beacons. */
export const sourceFlood = (sources: number, each: number): FloodBeacon[] =>
  Array.from({ length: sources * each }, (_, i) => ({ ip: `172.16.${i % sources}.9`, events: 1 }));

export const acceptedEvents = (results: { status: number; events: number }[]) =>
  results.filter((r) => r.status === 202).reduce((n, r) => n + r.events, 0);
