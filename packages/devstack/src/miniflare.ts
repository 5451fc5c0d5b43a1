/**
 * `@sightline/devstack/miniflare`: a Miniflare plugin that binds an Analytics Engine dataset to
 * the devstack's local Analytics Engine, for `wrangler dev`, `@cloudflare/vitest-pool-workers`
 * and Miniflare itself. It is configuration only: a Worker keeps calling
 * `env.EVENTS_AE.writeDataPoint(…)` and its development environment declares the binding as an
 * unsafe binding with this plugin (wrangler loads it through Miniflare's external plugins):
 *
 * ```jsonc
 * "unsafe": { "bindings": [{
 *   "name": "EVENTS_AE",
 *   "type": "analytics_engine_local",
 *   "dev": {
 *     "plugin": { "package": "@sightline/devstack/miniflare", "name": "sightline-analytics-engine" },
 *     "options": { "dataset": "sightline_events" }
 *   }
 * }] }
 * ```
 *
 * Where the points go comes from the environment of the process running Miniflare:
 * SIGHTLINE_AE_URL (the devstack's URL) and SIGHTLINE_AE_API_TOKEN, or from `url` / `apiToken`
 * in the options. Without them the binding checks each point as Analytics Engine would and drops
 * it, as wrangler's own stand-in does.
 */
import { BINDING_MODULE_NAME, BINDING_MODULE_SOURCE } from './analytics-engine/binding-module.js';

/** What Miniflare hands an external plugin: the unsafe bindings naming it. */
interface UnsafeBinding {
  name: string;
  type: string;
  options: { dataset?: unknown; url?: unknown; apiToken?: unknown };
}

export const PLUGIN_NAME = 'sightline-analytics-engine';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The write endpoint of `dataset` on the devstack at `url`, as the engine's HTTP API has it. */
export function analyticsEngineWriteUrl(url: string, dataset: string): string {
  return `${url.replace(/\/+$/, '')}/analytics-engine/v1/datasets/${encodeURIComponent(dataset)}/points`;
}

function bindingOf(binding: UnsafeBinding) {
  const dataset = text(binding.options.dataset);
  if (!dataset)
    throw new Error(`${binding.name}: the ${PLUGIN_NAME} binding needs options.dataset`);
  const url = text(binding.options.url) || process.env.SIGHTLINE_AE_URL || '';
  const apiToken = text(binding.options.apiToken) || process.env.SIGHTLINE_AE_API_TOKEN || '';
  return {
    name: binding.name,
    wrapped: {
      moduleName: BINDING_MODULE_NAME,
      innerBindings: [
        {
          name: 'writeUrl',
          json: JSON.stringify(url ? analyticsEngineWriteUrl(url, dataset) : ''),
        },
        { name: 'apiToken', json: JSON.stringify(apiToken) },
      ],
    },
  };
}

const plugin = {
  // Miniflare validates the options of its own plugins only; external ones get their bindings.
  options: { parse: (value: unknown) => value },
  getBindings(bindings: UnsafeBinding[] | undefined) {
    return (bindings ?? []).map(bindingOf);
  },
  getNodeBindings() {
    return {};
  },
  getServices() {
    return [];
  },
  getExtensions({ options }: { options: (UnsafeBinding[] | undefined)[] }) {
    if (!options.some((bindings) => bindings && bindings.length > 0)) return [];
    return [
      { modules: [{ name: BINDING_MODULE_NAME, esModule: BINDING_MODULE_SOURCE, internal: true }] },
    ];
  },
};

/** The plugins this module provides, keyed by name, as Miniflare loads them. */
export const plugins = { [PLUGIN_NAME]: plugin };
