/**
 * The one `Env` generic every route and middleware shares: the Worker's bindings (generated from
 * wrangler.jsonc into worker-configuration.d.ts) and the per-request variables.
 */
import type { SiteConfig } from './lib/site-config.js';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Set by the events route once the batch's site is known and allowed. */
    site: SiteConfig;
  };
}
