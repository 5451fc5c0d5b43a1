/** What the unit and end-to-end vitest configs share: the tracker-as-text plugin and the zod alias. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitest/config';

const require = createRequire(import.meta.url);

// The Worker declares its secrets as required (wrangler.jsonc); tests pass them as bindings,
// these only keep wrangler's "missing secrets" warning out of the test output.
process.env.SUPABASE_SERVICE_ROLE_KEY ??= 'test-service-role-key';
process.env.IP_HASH_SALT ??= 'test-salt';

/** wrangler imports the tracker bundle as text (a `Text` module rule); under Vite, a file outside
 * the project cannot go through the pool's module fallback, so inline it as a string module. */
export const trackerAsText: Plugin = {
  name: 'sightline-tracker-as-text',
  enforce: 'pre',
  resolveId: (source) =>
    source === '@sightline/tracker/sightline.js' ? '\0sightline-tracker' : null,
  load: (id) =>
    id === '\0sightline-tracker'
      ? `export default ${JSON.stringify(readFileSync(require.resolve('@sightline/tracker/sightline.js'), 'utf8'))};`
      : null,
};

/** Same zod subset as the deployed bundle (see src/vendor/zod-slim.ts). */
export const zodAlias = [
  {
    find: /^zod$/,
    replacement: fileURLToPath(new URL('../../src/vendor/zod-slim.ts', import.meta.url)),
  },
];
