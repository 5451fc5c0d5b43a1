import type pg from 'pg';

/** Every table ingest_batch writes. */
export const INGEST_TABLES = [
  'sessions',
  'session_pages',
  'session_events',
  'rollups',
  'visitor_days',
  'daily_rollups',
  'visitors',
  'events',
  'event_log',
  'page_scroll',
] as const;

/**
 * Everything ingest_batch wrote for a site: per table, its row count and an md5 of its rows
 * without the site id, so that two sites fed the same traffic compare equal, and one site
 * compares with itself before and after a call.
 */
export async function fingerprint(db: pg.Client, siteId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of INGEST_TABLES) {
    // Table names come from the constant list above, never from input.
    const { rows } = await db.query<{ f: string | null; n: string }>(
      `select md5(string_agg(r, '|' order by r)) as f, count(*) as n
       from (select (to_jsonb(x) - 'site_id')::text as r from public.${table} x
             where site_id = $1) y`,
      [siteId],
    );
    out[table] = `${rows[0]?.n}:${rows[0]?.f ?? ''}`;
  }
  return out;
}
