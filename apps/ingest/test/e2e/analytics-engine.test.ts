/**
 * Beacon → Worker (Miniflare) → SiteLive → Analytics Engine data point → SQL: the EVENTS_AE
 * binding is the devstack's Miniflare plugin (wrangler.jsonc), which writes to the devstack's
 * local Analytics Engine; the points are read back through Cloudflare's SQL API shape.
 */
import { AE_BLOBS, AE_DOUBLES, AE_FORMAT_TAG, AE_SCHEMA_VERSION } from '@sightline/schema';
import { describe, expect, inject, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { batch, heartbeat, newVisit, pageview, post, uid } from '../support/helpers.js';
import { acceptedAtLeast } from '../support/site-live.js';
import { PostgrestClient } from '@sightline/postgrest';
import { DIRECT_HEADER } from '../support/e2e-context.js';

const key = inject('secretKey');
const db = new PostgrestClient(`${inject('stackUrl')}/rest/v1`, {
  headers: { apikey: key, Authorization: `Bearer ${key}`, [DIRECT_HEADER]: '1' },
  fetch: (input, init) => fetch(input, init),
});

async function sql<Row>(query: string): Promise<Row[]> {
  const res = await fetch(inject('analyticsEngineSqlUrl'), {
    method: 'POST',
    headers: { authorization: `Bearer ${inject('analyticsEngineApiToken')}` },
    body: query,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return (JSON.parse(text) as { data: Row[] }).data;
}

const blob = (name: (typeof AE_BLOBS)[number]) => `blob${AE_BLOBS.indexOf(name) + 1}`;
const double = (name: (typeof AE_DOUBLES)[number]) => `double${AE_DOUBLES.indexOf(name) + 1}`;

async function createSite(): Promise<string> {
  const id = uid('ae');
  const { error } = await db.from('sites').insert({
    id,
    name: 'AE',
    domains: ['example.com'],
    public_live: true,
    timezone: 'UTC',
    store_raw: false,
  });
  expect(error).toBeNull();
  return id;
}

describe('ingest → local Analytics Engine', () => {
  it('writes one data point per event a report needs, with its measures, visible to a SQL query', async () => {
    const site = await createSite();
    const visit = newVisit();
    const view = pageview(visit, { url: '/pricing' });
    const beat = heartbeat(visit, { url: '/pricing', engagedMs: 4_000 });
    // Presence only (nothing engaged): it changes no measure, so it gets no point.
    const idle = heartbeat(visit, { url: '/pricing', engagedMs: 0, interactions: 0 });
    expect((await post(batch(site, [view, beat, idle]))).status).toBe(202);
    // The same event again: deduplicated by SiteLive, so no second data point.
    expect((await post(batch(site, [view]))).status).toBe(202);
    await acceptedAtLeast(site, 3);

    const rows = await pollUntil(async () => {
      const found = await sql<Record<string, string | number>>(
        `SELECT index1, ${blob('format')} AS tag, ${blob('type')} AS type, ${blob('path')} AS path,
           ${blob('visitor')} AS visitor, ${blob('entry_page')} AS entry,
           ${double('format_version')} AS version, ${double('pageviews')} AS pageviews,
           ${double('visits')} AS visits, ${double('bounces')} AS bounces,
           ${double('engaged_ms')} AS engaged, _sample_interval
         FROM sightline_events WHERE index1 = '${site}' ORDER BY type DESC`,
      );
      return found.length >= 2 && found;
    });
    const common = {
      index1: site,
      tag: AE_FORMAT_TAG,
      path: '/pricing',
      visitor: visit.visitor,
      entry: '/pricing',
      version: String(AE_SCHEMA_VERSION),
      _sample_interval: 1,
    };
    expect(rows).toEqual([
      { ...common, type: 'pageview', pageviews: '1', visits: '1', bounces: '1', engaged: '0' },
      { ...common, type: 'heartbeat', pageviews: '0', visits: '0', bounces: '0', engaged: '4000' },
    ]);
    const [count] = await sql<{ n: string }>(
      `SELECT SUM(_sample_interval) AS n FROM sightline_events WHERE index1 = '${site}'`,
    );
    expect(count).toEqual({ n: '2' });
  });
});
