/**
 * Imported history through the Stats API (the real Worker in Miniflare, the devstack's
 * PostgREST): a Postgres answer over whole days includes the imported days and says so in
 * `meta.imported`; an answer over hours says the imported days are not in it; a deleted import
 * is gone from both. The import is written with the import RPCs and the secret key, as
 * `sightline import` writes it (docs/imports.md).
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import '../support/e2e-context.js';
import { createSite, db } from '../support/e2e-db.js';
import { dashboardToken } from '../support/site-live.js';

interface Reply {
  meta: {
    source: string;
    imported?: { included: boolean; days: number; firstDay: string | null; notIn: string[] };
  };
  results: { visits: number; pageviews: number } | { value: string; visits: number }[];
}

let site: string;
let token: string;
let importId: string;

/** A service token for `sites`, as `pnpm sightline token --key` signs one for this project. */
const serviceToken = (sites: string[]) => dashboardToken(sites, 3_600, inject('stackUrl'));

async function api(path: string, body: unknown): Promise<{ status: number; json: Reply }> {
  const res = await SELF.fetch(`https://ingest.test/api/v1/sites/${site}/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json<Reply>() };
}

async function call<T>(fn: string, args: object): Promise<T> {
  const result = (await db.rpc(fn as never, args as never)) as {
    data: unknown;
    error: { message: string } | null;
  };
  if (result.error) throw new Error(`${fn}: ${result.error.message}`);
  return result.data as T;
}

const days = { from: '2024-05-01T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z' };

beforeAll(async () => {
  site = await createSite({ timezone: 'UTC', store_raw: false });
  token = await serviceToken([site]);
  importId = await call<string>('begin_import', { p_site: site, p_file_name: 'export.zip' });
  const day = (d: string, dimension = '', value = '', visits = 10) => ({
    day: d,
    dimension,
    value,
    visitors: visits - 2,
    visits,
    pageviews: visits * 3,
    bounces: 4,
    engagedMs: 1000,
  });
  await call('import_records', {
    p_import: importId,
    p_records: [
      day('2024-05-01'),
      day('2024-05-02'),
      day('2024-05-01', 'page', '/docs', 7),
      day('2024-05-02', 'page', '/docs', 5),
    ],
  });
  await call('commit_import', {
    p_import: importId,
    p_format: 'sightline',
    p_content_hash: 'b'.repeat(64),
  });
});

describe('imported history in the Stats API', () => {
  it('is in Postgres answers over whole days, and meta.imported says so', async () => {
    const overview = await api('overview', days);
    expect(overview.status).toBe(200);
    expect(overview.json.meta.source).toBe('postgres');
    expect(overview.json.results).toMatchObject({ visits: 20, pageviews: 60 });
    expect(overview.json.meta.imported).toMatchObject({
      included: true,
      days: 2,
      firstDay: '2024-05-01',
    });
    expect(overview.json.meta.imported?.notIn).toContain('funnels');
    const pages = await api('breakdown', { ...days, dimension: 'page' });
    expect(pages.json.results).toEqual([expect.objectContaining({ value: '/docs', visits: 12 })]);
    expect(pages.json.meta.imported?.included).toBe(true);
  });

  it('says the imported days are not in an answer over hours', async () => {
    const hours = await api('timeseries', {
      from: '2024-05-01T06:00:00.000Z',
      to: '2024-05-02T06:00:00.000Z',
      resolution: 'hour',
    });
    expect(hours.json.meta.source).toBe('postgres');
    expect(hours.json.meta.imported).toMatchObject({ included: false, days: 2 });
  });

  it('forgets a deleted import', async () => {
    await call('delete_import', { p_import: importId });
    const overview = await api('overview', days);
    expect(overview.json.results).toMatchObject({ visits: 0 });
    expect(overview.json.meta.imported).toMatchObject({ included: false, days: 0 });
  });
});
