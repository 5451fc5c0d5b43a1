/** What the unit and end-to-end vitest configs share: the tracker-as-text plugin and the zod alias. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vitest/config';
import { DIRECT_HEADER } from '../support/e2e-context.js';

const require = createRequire(import.meta.url);

// The Worker declares its secrets as required (wrangler.jsonc); tests pass them as bindings,
// these only keep wrangler's "missing secrets" warning out of the test output.
process.env.SUPABASE_SECRET_KEY ??= 'test-secret-key';
process.env.SIGHTLINE_SIGNING_KEY ??= '';
process.env.IP_HASH_SALT ??= 'test-salt';

/** The tracker's script-tag builds, which the Worker imports as text: `.core`, `.vitals` or ''. */
const TRACKER_SCRIPT = /^@sightline\/tracker\/sightline((?:\.core|\.vitals)?)\.js$/;
/** Virtual ids without ".js": the pool would apply wrangler's Text rule to an id ending so. */
const VIRTUAL = '\0sightline-tracker';

/** wrangler imports the tracker bundles as text (a `Text` module rule); under Vite, a file outside
 * the project cannot go through the pool's module fallback, so inline each as a string module. */
export const trackerAsText: Plugin = {
  name: 'sightline-tracker-as-text',
  enforce: 'pre',
  resolveId: (source) => {
    const build = TRACKER_SCRIPT.exec(source)?.[1];
    return build === undefined ? null : VIRTUAL + build;
  },
  load: (id) => {
    if (!id.startsWith(VIRTUAL)) return null;
    const file = require.resolve(`@sightline/tracker/sightline${id.slice(VIRTUAL.length)}.js`);
    return `export default ${JSON.stringify(readFileSync(file, 'utf8'))};`;
  },
};

/** The parts of the stack the Worker reaches as "Supabase" (SUPABASE_URL), which the proxy fronts. */
const PROXIED = ['/rest/', '/realtime/', '/auth/', '/storage/'];

/**
 * A Miniflare outbound service: the Worker keeps the stack's own URL as SUPABASE_URL (so the
 * passes it mints carry the issuer the stack's gateway admits, as in production), and its
 * Supabase requests reach the stack through the fault proxy. Everything else (the e-mail API,
 * Analytics Engine SQL, the webhook receiver) and the tests' calls marked with DIRECT_HEADER go
 * straight.
 */
export function throughFaultProxy(stackUrl: string, proxyUrl: string) {
  const stack = new URL(stackUrl).origin;
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const proxied =
      url.origin === stack &&
      !request.headers.has(DIRECT_HEADER) &&
      PROXIED.some((p) => url.pathname.startsWith(p));
    if (proxied) url.href = `${proxyUrl}${url.pathname}${url.search}`;
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
    return fetch(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: 'manual',
    });
  };
}
