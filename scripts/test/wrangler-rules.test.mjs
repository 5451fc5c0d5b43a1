// The ingest Worker's module rules (apps/ingest/wrangler.jsonc) import the tracker bundles as
// text. wrangler matches a rule's glob against import paths with `*` crossing "/" (glob-to-regexp
// without globstar), so the earlier glob `**/sightline*.js` also matched wrangler's own injected
// files whenever the checkout lived in a folder called "sightline": `pnpm dev` and every test
// that runs `wrangler dev` failed to build there ("cannot be marked as external").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const config = readFileSync(new URL('../../apps/ingest/wrangler.jsonc', import.meta.url), 'utf8');
const globs = [...config.matchAll(/"globs":\s*(\[[^\]]*\])/g)].flatMap((m) => JSON.parse(m[1]));

/** A glob as wrangler turns it into a filter: anchored, `*` any run of characters, `?` one. */
const filter = (glob) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
const matches = (path) => globs.some((glob) => filter(glob).test(path));

describe("the ingest Worker's text-module rules", () => {
  it('take the tracker bundles as text', () => {
    expect(globs.length).toBeGreaterThan(0);
    for (const build of ['sightline.js', 'sightline.core.js', 'sightline.vitals.js'])
      expect([build, matches(`@sightline/tracker/${build}`)]).toEqual([build, true]);
  });

  it('leave alone every other file, wherever the checkout is', () => {
    for (const path of [
      '/srv/sightline/node_modules/.pnpm/wrangler@4.86.0/node_modules/wrangler/templates/modules-watch-stub.js',
      '/srv/sightline/apps/ingest/src/index.ts',
      '/tmp/sightline-build/index.js',
      './lib/sightline-helpers.js',
    ])
      expect([path, matches(path)]).toEqual([path, false]);
  });
});
