/** Reaching a site's SiteLive object from a test, the way the Worker addresses it. */
import { env } from 'cloudflare:workers';
import type { SiteLiveStats } from '../../src/durable-objects/site-live.js';
import { siteLive } from '../../src/lib/site-live-stub.js';
import { eventually } from './helpers.js';

export const live = (site: string, shard = 0) => siteLive(env, site, shard);

export const stats = (site: string, shard = 0): Promise<SiteLiveStats> => live(site, shard).stats();

/** Waits until the object has seen `n` accepted events (the Worker hands them over in waitUntil). */
export function acceptedAtLeast(
  site: string,
  n: number,
  field: keyof SiteLiveStats = 'accepted',
): Promise<SiteLiveStats> {
  return eventually(async () => {
    const s = await stats(site);
    return s[field] >= n ? s : null;
  });
}
