/** The SiteLive Durable Object of a site: one object per site id, addressed by name. */
import type { SiteLive } from '../durable-objects/site-live.js';

/**
 * @example
 * await siteLive(env, 'demo-site').ingest({ ... });
 */
export function siteLive(
  env: Pick<Env, 'SITE_LIVE_DO'>,
  site: string,
): DurableObjectStub<SiteLive> {
  return env.SITE_LIVE_DO.get(env.SITE_LIVE_DO.idFromName(`site:${site}`));
}
