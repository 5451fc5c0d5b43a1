/** The devstack's database as the end-to-end tests read it (service role, through PostgREST). */
import { PostgrestClient } from '@sightline/postgrest';
import { expect, inject } from 'vitest';
import { DIRECT_HEADER } from './e2e-context.js';
import { pollUntil } from '@sightline/test-utils';
import { uid } from './helpers.js';
import { live, stats } from './site-live.js';

const key = inject('secretKey');
export const db = new PostgrestClient(`${inject('stackUrl')}/rest/v1`, {
  // Straight to the stack: a test reads the truth while the proxy fails the Worker's calls.
  headers: { apikey: key, Authorization: `Bearer ${key}`, [DIRECT_HEADER]: '1' },
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
