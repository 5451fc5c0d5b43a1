// Migration 0010 folds the paths stored with their query strings into their pages. A database of
// the last release, fed traffic whose page views carry query strings (as the Worker stored them
// before it split them off: UTM tags, an e-mail address, a token; the same page with several
// query strings in one session, which the tracker then counted as page views of their own),
// upgraded by today's deploy, must hold exactly what a database built today holds when fed the
// same traffic with clean paths: sessions, session pages, hourly and daily rollups, unique
// visitors (daily_rollups' chains, from visitor_days), visitors, raw events.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deployDatabase } from '@sightline/devstack';
import { toIngestWire, type IngestBatch, type IngestEvent } from '@sightline/schema';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASES_DIR, SCHEMAS_DIR } from '../src/paths.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { mulberry32 } from '@sightline/test-utils';
import { generateTraffic, toBatches, type Traffic } from './support/traffic.js';

const RELEASE = readdirSync(RELEASES_DIR).sort().at(-1)!;
const SUFFIXES = [
  '?utm_source=newsletter&utm_medium=email',
  '?email=jane.doe%40example.com',
  '?token=s3cr3t-t0k3n&page=2',
  '?q=mugs',
  '#/orders?session=abc',
  '',
] as const;

/** The page of a stored URL: what 0010's FOLD and the Worker (no parameter allowed) keep. */
function fold(url: string): string {
  const hash = url.indexOf('#');
  const before = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  return before.split('?')[0]! + fragment.split('?')[0]!;
}

/** The traffic with a query string on half the page views (and the events of their page view). */
function dirty(traffic: Traffic): Traffic {
  const random = mulberry32(5);
  const sessions = traffic.sessions.map((s) => {
    let url = '';
    const events = s.events.map((e): IngestEvent => {
      if (e.type === 'pageview') {
        url = random() < 0.5 ? e.path + SUFFIXES[Math.floor(random() * SUFFIXES.length)]! : e.path;
      }
      return { ...e, path: url || e.path };
    });
    return { ...s, events };
  });
  const events = sessions.flatMap((s) => s.events).sort((a, b) => a.at.localeCompare(b.at));
  return { ...traffic, sessions, events };
}

function clean(traffic: Traffic): Traffic {
  const sessions = traffic.sessions.map((s) => ({
    ...s,
    events: s.events.map((e) => ({ ...e, path: fold(e.path) })),
  }));
  const events = sessions.flatMap((s) => s.events).sort((a, b) => a.at.localeCompare(b.at));
  return { ...traffic, sessions, events };
}

/** Every row the site has, site id left out; all-zero rollups and trailing zero gaps dropped
 * (they depend on the order deltas came in, the counts do not). */
async function contents(db: pg.Client, site: string): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    sessions: `select * from public.sessions where site_id = $1 order by session_id`,
    session_pages: `select * from public.session_pages where site_id = $1 order by session_id, path`,
    session_events: `select * from public.session_events where site_id = $1 order by session_id, name`,
    rollups: `select * from public.rollups where site_id = $1
      and (visits, pageviews, bounces, engaged_ms) <> (0, 0, 0, 0) order by dimension, value, hour`,
    daily_rollups: `select dimension, value, day, visits, pageviews, bounces, engaged_ms,
        new_visitors, array(select n from unnest(returning_by_gap) with ordinality u(n, k)
          where k <= (select coalesce(max(k2), 0) from unnest(returning_by_gap)
                      with ordinality v(n2, k2) where n2 <> 0) order by k) as returning_by_gap
      from public.daily_rollups where site_id = $1
        and (visits, pageviews, bounces, engaged_ms, new_visitors) <> (0, 0, 0, 0, 0)
      order by dimension, value, day`,
    visitor_days: `select * from public.visitor_days where site_id = $1 order by visitor_id, day`,
    visitors: `select * from public.visitors where site_id = $1 order by visitor_id`,
    events: `select * from public.events where site_id = $1 order by id`,
    event_log: `select * from public.event_log where site_id = $1 order by event_id`,
    page_scroll: `select * from public.page_scroll where site_id = $1 and visits <> 0
      order by path, hour`,
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(tables)) {
    const { rows } = await db.query<Record<string, unknown>>(sql, [site]);
    out[table] = rows.map(({ site_id: _site, ...row }) => row);
  }
  return out;
}

let t: TestStack;
let old: pg.Client;
const SITE = 'fold';
let traffic: Traffic;

async function ingest(db: pg.Client, batches: IngestBatch[]): Promise<void> {
  for (const batch of batches)
    await db.query('select public.ingest_batch($1::jsonb)', [JSON.stringify(toIngestWire(batch))]);
}

const addSite = (db: pg.Client) =>
  db.query(
    `insert into public.sites (id, name, timezone, store_raw) values ($1, 'Fold', 'Europe/Berlin', true)`,
    [SITE],
  );

beforeAll(async () => {
  t = await startTestStack();
  const url = await t.stack.createDatabase('fold_release');
  old = new pg.Client({ connectionString: url });
  await old.connect();
  const dir = join(RELEASES_DIR, RELEASE);
  await deployDatabase(old, {
    migrationsDir: join(dir, 'migrations'),
    schemasDir: existsSync(join(dir, 'schemas')) ? join(dir, 'schemas') : undefined,
  });
  traffic = dirty(
    generateTraffic({
      siteId: SITE,
      seed: 19,
      startMs: Date.parse('2026-03-01T06:00:00Z'),
      spanMs: 5 * 86_400_000,
      visitors: 30,
      sessions: 160,
      conversions: false,
    }),
  );
  await addSite(old);
  await ingest(old, toBatches(traffic, 40, 'fold'));
  await addSite(t.db);
  await ingest(t.db, toBatches(clean(traffic), 40, 'fold'));
}, 120_000);

afterAll(async () => {
  await old?.end();
  await t?.stop();
});

describe('0010 folds stored paths with query strings into their pages', () => {
  it('starts from a database with such paths, several of one page in a session', async () => {
    const { rows } = await old.query<{ dirty: string; shared: string }>(
      `select count(*) filter (where path like '%?%') as dirty,
         (select count(*) from (select session_id, split_part(path, '?', 1) from public.session_pages
          where site_id = $1 group by 1, 2 having count(*) > 1) x) as shared
       from public.session_pages where site_id = $1`,
      [SITE],
    );
    expect(Number(rows[0]!.dirty)).toBeGreaterThan(20);
    expect(Number(rows[0]!.shared)).toBeGreaterThan(3);
  });

  it('leaves, once upgraded, exactly what a database fed clean paths holds', async () => {
    await deployDatabase(old, { migrationsDir: t.migrationsDir, schemasDir: SCHEMAS_DIR });
    const upgraded = await contents(old, SITE);
    const fresh = await contents(t.db, SITE);
    for (const table of Object.keys(fresh)) expect(upgraded[table], table).toEqual(fresh[table]);
    // No query string is left anywhere.
    const { rows } = await old.query<{ n: string }>(
      `select (select count(*) from public.session_pages where path like '%?%')
        + (select count(*) from public.sessions where entry_path like '%?%' or exit_path like '%?%')
        + (select count(*) from public.rollups where value like '%?%')
        + (select count(*) from public.daily_rollups where value like '%?%')
        + (select count(*) from public.visitor_days where dims::text like '%?%')
        + (select count(*) from public.events where path like '%?%')
        + (select count(*) from public.visitors where last_path like '%?%') as n`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
