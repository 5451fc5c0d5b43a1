/** Reaching a site's SiteLive object from a test, the way the Worker addresses it. */
import { SELF } from 'cloudflare:test';
import { importJWK, SignJWT, type JWK } from 'jose';
import { inject } from 'vitest';
import { env } from 'cloudflare:workers';
import type { LiveMessage } from '@sightline/schema';
import type { SiteLiveStats } from '../../src/durable-objects/site-live.js';
import { siteLive } from '../../src/lib/site-live-stub.js';
import { pollUntil } from '@sightline/test-utils';
import { recorderState } from './helpers.js';

export const live = (site: string, shard = 0) => siteLive(env, site, shard);

export const stats = (site: string, shard = 0): Promise<SiteLiveStats> => live(site, shard).stats();

/**
 * A service token for `sites`, signed with the Worker's signing key as `pnpm sightline token --key`
 * signs one (the recorder then reads its claims as the database would). `issuer` is the project
 * URL whose Auth issues it: the recorder's in the unit tests, the devstack's (`stackUrl`) where
 * the real PostgREST checks it.
 */
export async function dashboardToken(
  sites: string[],
  expiresInS = 3_600,
  issuer: string = inject('recorderUrl'),
): Promise<string> {
  const jwk = JSON.parse(inject('signingKey')) as JWK & { kid: string };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'authenticated', site_ids: sites })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(`${issuer}/auth/v1`)
    .setAudience('authenticated')
    .setSubject(`service:${sites.join(',')}`)
    .setIssuedAt(Math.min(now, now + expiresInS) - 60)
    .setExpirationTime(now + expiresInS)
    .sign(await importJWK(jwk, 'ES256'));
}

/** POST /v1/sites/:id/watch as a dashboard with a token for the site (or `token`). */
export async function watchSite(site: string, token?: string): Promise<Response> {
  const bearer = token ?? (await dashboardToken([site]));
  return SELF.fetch(`https://ingest.test/v1/sites/${site}/watch`, {
    method: 'POST',
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
}

/** Waits until the object has seen `n` accepted events (the Worker hands them over in waitUntil). */
export function acceptedAtLeast(
  site: string,
  n: number,
  field: Exclude<keyof SiteLiveStats, 'deadLetter' | 'watched'> = 'accepted',
): Promise<SiteLiveStats> {
  return pollUntil(async () => {
    const s = await stats(site);
    return s[field] >= n ? s : null;
  });
}

/** The ingest_batch calls the recorder received for `site`. */
export const batchesOf = async (site: string) =>
  (await recorderState()).batches.filter((b) => b.site === site);

/** The live messages the recorder received on `site`'s topic. */
export const messagesOf = async (site: string) =>
  (await recorderState()).broadcasts
    .filter((b) => b.topic === `site:${site}`)
    .map((b) => b.payload as unknown as LiveMessage);

/** Retries the object's outbox (as its alarm would, without the back-off) until it is empty. */
export function drainOutbox(site: string, timeoutMs: number): Promise<true> {
  return pollUntil(
    async () => {
      await live(site).retryNow();
      const s = await stats(site);
      return s.outboxBatches === 0 && s.pendingEvents === 0 ? true : null;
    },
    { timeoutMs },
  );
}
