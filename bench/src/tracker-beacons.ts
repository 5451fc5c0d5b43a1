/**
 * Beacons shaped as the tracker sends them: the compact wire format v2 (text/plain JSON, the
 * page load's fields once in the envelope), one event per beacon as most real beacons carry,
 * over a pool of visitors with page loads. Every request gets fresh event ids (a page load's id
 * and a sequence number), so nothing is deduplicated away.
 */
import { randomUUID } from 'node:crypto';

interface Load {
  site: string;
  session: string;
  visitor: string;
  load: string;
  sequence: number;
  url: string;
}

const REFERRER = 'https://www.google.com/';

function newLoad(site: string, n: number): Load {
  return {
    site,
    session: randomUUID(),
    visitor: randomUUID(),
    load: randomUUID(),
    sequence: 0,
    url: `/docs/page-${n % 40}`,
  };
}

const envelope = (l: Load) =>
  `{"v":2,"s":"${l.site}","i":"${l.session}","u":"${l.visitor}","k":true,"p":"${l.load}","w":[1920,1080],"a":false,"e":[`;

/**
 * An endless source of tracker beacons: a page load's first beacon is its page view, later ones
 * are heartbeats (engaged time, scroll, interactions), and one in eight page loads ends with a
 * final heartbeat and is replaced by a new visitor's.
 *
 * @example
 * const next = trackerTraffic('demo'); const { body, ids } = next();
 */
export function trackerTraffic(site: string, loads = 5_000): () => { body: string; ids: string[] } {
  const pool = Array.from({ length: loads }, (_, n) => newLoad(site, n));
  let i = 0;
  return () => {
    const index = i++ % pool.length;
    const l = pool[index]!;
    const seq = l.sequence++;
    const ts = Date.now();
    let event: unknown[];
    if (seq === 0) event = [0, seq, ts, l.url, REFERRER, 'Docs'];
    else if (seq % 8 === 7) {
      event = [1, seq, ts, l.url, REFERRER, 4_000, 60, 1, true];
      pool[index] = newLoad(site, i);
    } else event = [1, seq, ts, l.url, REFERRER, 15_000, 40, 2];
    return { body: `${envelope(l)}${JSON.stringify(event)}]}`, ids: [`${l.load}-${seq}`] };
  };
}
