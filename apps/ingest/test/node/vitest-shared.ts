/** What the unit and end-to-end vitest configs share: the tracker-as-text plugin and the zod alias. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitest/config';

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

/** Same zod subset as the deployed bundle (see src/vendor/zod-slim.ts). */
export const zodAlias = [
  {
    find: /^zod$/,
    replacement: fileURLToPath(new URL('../../src/vendor/zod-slim.ts', import.meta.url)),
  },
];
