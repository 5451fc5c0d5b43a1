/**
 * Beacon → Worker (Miniflare) → Postgres (devstack) and the local Analytics Engine: an e-mail
 * address, a token or a click id in a page's query string reaches no row of any table and no
 * data point; the page is its path, the UTM tags and the click kind are kept as attribution;
 * the site's goals and allowed parameters come from the database (its `sites` row with goals
 * and content groups embedded, through the real PostgREST).
 */
import { env } from 'cloudflare:workers';
import { pollUntil } from '@sightline/test-utils';
import { describe, expect, inject, it } from 'vitest';
import { getSite, clearSiteCache } from '../../src/lib/site-config.js';
import { createSite, db, drain, rows } from '../support/e2e-db.js';
import { batch, heartbeat, newVisit, pageview, post } from '../support/helpers.js';
import { acceptedAtLeast, stats } from '../support/site-live.js';

const SECRETS = ['jane.doe', 's3cr3t-t0k3n', 'Cj0KCQ-click-value'];
const QUERY =
  '?utm_source=newsletter&utm_medium=email&email=jane.doe%40example.com' +
  '&token=s3cr3t-t0k3n&gclid=Cj0KCQ-click-value&q=mugs';

/** Every table a beacon can reach, as text. */
const TABLES = [
  'sessions',
  'session_pages',
  'session_events',
  'events',
  'event_log',
  'visitors',
  'rollups',
  'daily_rollups',
  'visitor_days',
  'page_scroll',
];

async function aeRows(site: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(inject('analyticsEngineSqlUrl'), {
    method: 'POST',
    headers: { authorization: `Bearer ${inject('analyticsEngineApiToken')}` },
    body: `SELECT * FROM sightline_events WHERE index1 = '${site}'`,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
}

describe('query strings stay with the Worker', () => {
  it('no e-mail address, token or click id reaches Postgres or Analytics Engine', async () => {
    const site = await createSite({ allowed_query_params: ['q'] });
    const visit = newVisit();
    const events = [
      pageview(visit, { url: `/products/mug${QUERY}` }),
      heartbeat(visit, { url: `/products/mug${QUERY}` }),
      {
        ...pageview(visit, { url: `/products/mug${QUERY}` }),
        type: 'custom',
        name: '404',
        props: { path: `/gone${QUERY}` },
      },
      {
        ...pageview(visit, { url: `/products/mug${QUERY}` }),
        type: 'outbound',
        target: 'https://partner.example/offer?ref=s3cr3t-t0k3n',
      },
    ];
    expect((await post(batch(site, events))).status).toBe(202);
    await acceptedAtLeast(site, events.length);
    // The points the object wrote for them (a heartbeat gets one only when it moves a measure).
    const { points: written } = await stats(site);
    expect(written).toBeGreaterThanOrEqual(events.length - 1);
    await drain(site);
    let stored = '';
    for (const table of TABLES) stored += JSON.stringify(await rows(table, site));
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    const [session] = await rows<Record<string, string>>('sessions', site);
    expect(session).toMatchObject({
      entry_path: '/products/mug?q=mugs',
      utm_source: 'newsletter',
      click_id: 'gclid',
    });
    const points = await pollUntil(
      async () => {
        const found = await aeRows(site).catch(() => []);
        return found.length >= written && found;
      },
      { what: "the object's data points in the local Analytics Engine" },
    );
    const text = JSON.stringify(points);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('/products/mug?q=mugs');
  });

  it("reads the site's goals and content groups with its row", async () => {
    const site = await createSite();
    const goal = await db
      .from('goals')
      .insert({ site_id: site, name: 'Bought', event_name: 'purchase' })
      .select('id')
      .single<{ id: number }>();
    expect(goal.error).toBeNull();
    const group = await db
      .from('content_groups')
      .insert({ site_id: site, content_group: 'product', path_pattern: '/shop/**' });
    expect(group.error).toBeNull();
    clearSiteCache();
    await env.SITES_KV.delete(`site:${site}`);
    const config = await getSite(env, site);
    expect(config?.goals).toEqual([
      {
        id: goal.data!.id,
        name: 'Bought',
        event_name: 'purchase',
        page_path: null,
        prop_key: null,
        prop_value: null,
      },
    ]);
    expect(config?.content_groups).toEqual([
      { content_group: 'product', path_pattern: '/shop/**' },
    ]);
  });
});
