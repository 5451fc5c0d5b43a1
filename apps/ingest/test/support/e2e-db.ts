/** The devstack's database as the end-to-end tests read it (service role, through PostgREST). */
import { SELF } from 'cloudflare:test';
import { PostgrestClient } from '@sightline/postgrest';
import { expect, inject } from 'vitest';
import './e2e-context.js';
import { pollUntil } from '@sightline/test-utils';
import { uid } from './helpers.js';
import { live, stats } from './site-live.js';

const key = inject('serviceRoleKey');
export const db = new PostgrestClient(`${inject('stackUrl')}/rest/v1`, {
  headers: { apikey: key, Authorization: `Bearer ${key}` },
  fetch: (input, init) => fetch(input, init),
});

/** Switches the fault proxy between the Worker and the devstack (test/node/fault-proxy.ts). */
export async function fault(modes: { rest?: string; realtime?: string }): Promise<void> {
  const res = await fetch(`${inject('proxyUrl')}/__fault`, {
    method: 'POST',
    body: JSON.stringify(modes),
  });
  await res.body?.cancel();
}

/** A fresh site allowed from https://example.com, raw events stored. */
export async function createSite(extra: Record<string, unknown> = {}): Promise<string> {
  const id = uid('e2e');
  const { error } = await db.from('sites').insert({
    id,
    name: 'E2E',
    domains: ['example.com'],
    public_live: true,
    timezone: 'Europe/Berlin',
    store_raw: true,
    ...extra,
  });
  expect(error).toBeNull();
  return id;
}

export async function rows<T>(table: string, site: string, columns = '*'): Promise<T[]> {
  const { data, error } = await db.from(table).select(columns).eq('site_id', site);
  expect(error).toBeNull();
  return (data ?? []) as T[];
}

/** Flushes until the object's outbox is empty (retries included). */
export async function drain(site: string): Promise<void> {
  await pollUntil(
    async () => {
      await live(site).retryNow();
      const s = await stats(site);
      return s.outboxBatches === 0 && s.pendingEvents === 0;
    },
    { timeoutMs: 15_000 },
  );
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A dashboard token for `sites`, signed as `pnpm sightline token` signs it (HS256, site_ids). */
export async function dashboardToken(sites: string[]): Promise<string> {
  const part = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const exp = Math.floor(Date.now() / 1000) + 3_600;
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ role: 'authenticated', site_ids: sites, exp })}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(inject('jwtSecret')),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** POST /v1/sites/:id/watch through the Worker with a real token, checked by the real PostgREST. */
export async function watch(site: string): Promise<Response> {
  return SELF.fetch(`https://ingest.test/v1/sites/${site}/watch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await dashboardToken([site])}` },
  });
}
