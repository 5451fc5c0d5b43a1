/**
 * Passes for dashboards (lib/passes.ts), asked for again every half minute and whenever the
 * site's live topic says access changed:
 * - POST /v1/live-pass: `Authorization: Bearer <user access token | service token | live pass>`,
 *   optional `{ "site": "<id>" }` to learn at once whether the caller may still watch it (403
 *   otherwise). The pass carries the caller's identity; the live topic's policies decide.
 * - POST /v1/share/pass: `{ "token": "<link secret>", "password"? }` opens a share link, or
 *   `Authorization: Bearer <share pass>` renews one; refused at once for a revoked link.
 * Both are also the watch signal (lib/live-watch.ts): a live pass asked for a site, and a share
 * pass of a link that shows the live view, keep that site watched and carry its snapshot
 * (`watch`: one full message per live shard), so a dashboard renews both with one request.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { fromPostgrest } from '../lib/db-errors.js';
import { IngestError } from '../lib/errors.js';
import { jsonBody, stringField } from '../lib/json-body.js';
import { isolateLimiter } from '../lib/limits.js';
import { authorizeLive, watchLive } from '../lib/live-watch.js';
import { mintPass } from '../lib/passes.js';
import { postgrest } from '../lib/supabase.js';
import { bearerToken, shareLinkOf, userIdOf, verifyToken } from '../lib/tokens.js';

export const passes = new Hono<AppEnv>();

passes.post('/live-pass', async (c) => {
  const token = bearerToken(c.req.raw) ?? '';
  const claims = await verifyToken(c.env, token);
  if (claims.role !== 'authenticated')
    throw new IngestError(403, 'not_allowed', 'live passes are for members and service tokens');
  const site = stringField(await jsonBody(c.req.raw), 'site', 64);
  if (site !== undefined) await authorizeLive(c.env, token, site);
  const user = userIdOf(claims);
  const identity = user
    ? { role: 'authenticated', sub: user }
    : {
        role: 'authenticated',
        sub: typeof claims.sub === 'string' ? claims.sub : 'service',
        site_ids: Array.isArray(claims.site_ids)
          ? claims.site_ids.filter((s) => typeof s === 'string')
          : [],
      };
  const [pass, watch] = await Promise.all([
    mintPass(c.env, 'live', identity),
    site === undefined ? undefined : watchLive(c.env, site),
  ]);
  c.header('Cache-Control', 'no-store');
  return c.json(watch ? { ...pass, watch } : pass);
});

/** What a share pass carries, from open_share_link / share_link_state. */
interface OpenLink {
  link_id: string;
  site_id: string;
  hidden_reports: string[];
}

const encoder = new TextEncoder();
async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return [...bytes.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

passes.post('/share/pass', async (c) => {
  const body = await jsonBody(c.req.raw);
  const secret = stringField(body, 'token', 200);
  const password = stringField(body, 'password', 200);
  let result;
  if (secret !== undefined) {
    // Passwords are bcrypt-checked in Postgres (~0.1 s each): 20 tries a minute per link.
    const limit = await isolateLimiter(c.env.SITES_KV).take(`share:${await digest(secret)}`, 1, 20);
    if (!limit.ok)
      throw new IngestError(429, 'rate_limited', 'too many attempts, wait a minute', {
        headers: { 'Retry-After': String(limit.retryAfter) },
      });
    result = await postgrest(c.env, 5_000).rpc('open_share_link', {
      p_token: secret,
      p_password: password ?? null,
    });
  } else {
    const claims = await verifyToken(c.env, bearerToken(c.req.raw) ?? '');
    const link = shareLinkOf(claims);
    if (!link)
      throw new IngestError(
        400,
        'invalid_request',
        "send the link's token, or renew with its pass",
      );
    result = await postgrest(c.env, 5_000).rpc('share_link_state', { p_link: link });
  }
  if (result.error) throw fromPostgrest(result.error);
  const opened = result.data as OpenLink;
  const [pass, watch] = await Promise.all([
    mintPass(c.env, 'share', { role: 'anon', share: opened.link_id }),
    // A link that shows the live view watches it; one that hides it pushes nothing.
    opened.hidden_reports.includes('live') ? undefined : watchLive(c.env, opened.site_id),
  ]);
  c.header('Cache-Control', 'no-store');
  return c.json({
    ...pass,
    site: opened.site_id,
    hidden: opened.hidden_reports,
    ...(watch ? { watch } : {}),
  });
});
