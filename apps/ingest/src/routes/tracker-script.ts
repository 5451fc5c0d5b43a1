/**
 * GET /s.js: the script-tag build of @sightline/tracker, bundled into the Worker as text (see
 * the Text rule in wrangler.jsonc). Cached for a day at the edge and in browsers, revalidated by
 * ETag, so a tracker release reaches sites within a day without a URL change.
 */
import { Hono } from 'hono';
import tracker from '@sightline/tracker/sightline.js';
import type { AppEnv } from '../env.js';

let etag: Promise<string> | null = null;

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = [...new Uint8Array(hash, 0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `"${hex}"`;
}

export const trackerScript = new Hono<AppEnv>();

trackerScript.get('/', async (c) => {
  etag ??= digest(tracker);
  const tag = await etag;
  c.header('ETag', tag);
  c.header('Cache-Control', 'public, max-age=86400, stale-while-revalidate=604800');
  c.header('Access-Control-Allow-Origin', '*');
  c.header('X-Content-Type-Options', 'nosniff');
  const match = c.req.header('if-none-match');
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === tag))
    return c.body(null, 304);
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  return c.body(tracker);
});
