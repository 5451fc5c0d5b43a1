/**
 * The tracker's script-tag builds, bundled into the Worker as text (the Text rule in
 * wrangler.jsonc): GET /s.js (full), /s.core.js (core) and /s.vitals.js (the web vitals the full
 * build loads on pages with data-vitals).
 *
 * Caching: the URLs do not change between releases, so they are cached for a day at the edge
 * and in browsers and then served stale for up to a week while revalidating by ETag (a hash of
 * the file): a release reaches sites within a day, mostly as 304s. `?v=<etag without quotes>`
 * names one release: while it is the current one it is served as immutable for a year; an
 * older one gets the current file under the daily policy.
 */
import { Hono } from 'hono';
import full from '@sightline/tracker/sightline.js';
import core from '@sightline/tracker/sightline.core.js';
import vitals from '@sightline/tracker/sightline.vitals.js';
import type { AppEnv } from '../env.js';

export const DAILY = 'public, max-age=86400, stale-while-revalidate=604800';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(hash, 0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A route serving one script with its ETag and caching. */
function script(text: string): Hono<AppEnv> {
  let version: Promise<string> | null = null;
  const route = new Hono<AppEnv>();
  route.get('/', async (c) => {
    version ??= digest(text);
    const hash = await version;
    const tag = `"${hash}"`;
    c.header('ETag', tag);
    c.header('Cache-Control', c.req.query('v') === hash ? IMMUTABLE : DAILY);
    c.header('Access-Control-Allow-Origin', '*');
    c.header('X-Content-Type-Options', 'nosniff');
    const match = c.req.header('if-none-match');
    if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === tag))
      return c.body(null, 304);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(text);
  });
  return route;
}

/** GET /s.js: the full build. */
export const trackerScript = script(full);
/** GET /s.core.js: the core build. */
export const trackerCoreScript = script(core);
/** GET /s.vitals.js: web vitals, loaded by the full build on pages with data-vitals. */
export const trackerVitalsScript = script(vitals);
