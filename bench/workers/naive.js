/* global Response, fetch */
// The design the architecture improves on: every event is written to Postgres at once, one
// PostgREST upsert of the visitor row per event, awaited before the beacon is answered (so the
// sender learns of a failure). Parsing is minimal on purpose: this is the write path's baseline.
export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    let batch;
    try {
      batch = JSON.parse(await request.text());
    } catch {
      return Response.json({ error: 'invalid_json' }, { status: 400 });
    }
    const key = env.SUPABASE_SERVICE_ROLE_KEY;
    for (const e of batch.events ?? []) {
      const at = new Date(e.ts).toISOString();
      const res = await fetch(
        `${env.SUPABASE_URL}/rest/v1/visitors?on_conflict=site_id,visitor_id`,
        {
          method: 'POST',
          headers: {
            apikey: key,
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            prefer: 'resolution=merge-duplicates,return=minimal',
          },
          body: JSON.stringify({
            site_id: batch.site,
            visitor_id: e.visitor,
            first_seen: at,
            last_seen: at,
            last_path: e.url,
            pageviews: e.type === 'pageview' ? 1 : 0,
            engaged_ms: e.engagedMs ?? 0,
          }),
        },
      );
      await res.body?.cancel();
      if (!res.ok) return Response.json({ error: 'write_failed' }, { status: 502 });
    }
    return Response.json({ received: batch.events?.length ?? 0 }, { status: 202 });
  },
};
