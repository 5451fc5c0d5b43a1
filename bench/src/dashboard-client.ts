/**
 * A dashboard's Realtime side in Node: the unmodified @supabase/realtime-js client (ws transport,
 * Node 20 has no global WebSocket) with a dashboard token for the site, subscribed as
 * apps/dashboard's useLive does — the `live` broadcasts on `site:<id>` and the `visitors` row
 * changes on a second channel. Given the ingest Worker's URL it also keeps a watch on the site,
 * without which the Worker pushes nothing.
 */
import { LIVE_EVENT, liveTopic, type LiveMessage } from '@sightline/schema';
import { RealtimeClient, REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js';
import { signDashboardToken } from '@sightline/database/token';
import WebSocket from 'ws';
import type { Devstack } from '@sightline/devstack';
import { pollUntil } from '@sightline/test-utils';

export interface DashboardClient {
  client: RealtimeClient;
  onLive(cb: (message: LiveMessage, at: number) => void): void;
  onVisitorRow(cb: (row: Record<string, unknown>, at: number) => void): void;
  status: { live: string; detail: string };
  close(): Promise<void>;
}

/**
 * A service token for the site, signed as `sightline token --key` signs it (ES256 with the
 * project's signing key). `seconds` ≤ 120 makes it a live pass: the live topic admits nothing
 * longer-lived.
 */
export function dashboardToken(devstack: Devstack, site: string, seconds = 7_200): Promise<string> {
  return signDashboardToken({
    siteIds: [site],
    key: devstack.signingKey,
    issuer: devstack.authUrl,
    ttlSeconds: seconds,
  });
}

/** How long the live passes last, and how often they are renewed (as apps/dashboard does). */
const PASS_SECONDS = 110;
const RENEW_MS = 30_000;

export async function connectDashboard(
  devstack: Devstack,
  site: string,
  options: { changes?: boolean; ingestUrl?: string } = {},
): Promise<DashboardClient> {
  const client = new RealtimeClient(`${devstack.url}/realtime/v1`, {
    params: { apikey: devstack.anonKey },
    // ws is what realtime-js expects of a WebSocket; its types differ only in detail.
    transport: WebSocket as never,
    heartbeatIntervalMs: 5_000,
  });
  let token = await dashboardToken(devstack, site, PASS_SECONDS);
  await client.setAuth(token);
  const liveCbs: ((m: LiveMessage, at: number) => void)[] = [];
  const rowCbs: ((r: Record<string, unknown>, at: number) => void)[] = [];
  const status = { live: 'connecting', detail: options.changes ? 'connecting' : 'off' };
  const live = client
    .channel(liveTopic(site), { config: { private: true, broadcast: { self: false } } })
    .on('broadcast', { event: LIVE_EVENT }, (msg: { payload?: unknown }) => {
      const at = performance.now();
      for (const cb of liveCbs) cb(msg.payload as LiveMessage, at);
    })
    .subscribe((s) => {
      status.live = s;
    });
  const detail = options.changes
    ? client
        .channel(`visitors:${site}`)
        .on(
          'postgres_changes',
          { event: '*', schema: 'public', table: 'visitors', filter: `site_id=eq.${site}` },
          (change: { new?: Record<string, unknown> }) => {
            const at = performance.now();
            if (change.new) for (const cb of rowCbs) cb(change.new, at);
          },
        )
        .subscribe((s) => {
          status.detail = s;
        })
    : undefined;
  const joined = REALTIME_SUBSCRIBE_STATES.SUBSCRIBED as string;
  await pollUntil(() => status.live === joined && (!options.changes || status.detail === joined), {
    timeoutMs: 30_000,
    what: 'Realtime channels joined',
  });
  // The Worker pushes only while a dashboard watches the site: watch as apps/dashboard does
  // (at once, renewed every 30 s) when the Worker's URL is given.
  const watch = async () => {
    const res = await fetch(`${options.ingestUrl}/v1/sites/${site}/watch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`watch answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  if (options.ingestUrl) await watch();
  // Renewed before it expires: a new pass for the channel, and the watch with it.
  const renew = setInterval(() => {
    void (async () => {
      token = await dashboardToken(devstack, site, PASS_SECONDS);
      await client.setAuth(token);
      if (options.ingestUrl) await watch();
    })().catch(() => undefined);
  }, RENEW_MS);
  return {
    client,
    onLive: (cb) => liveCbs.push(cb),
    onVisitorRow: (cb) => rowCbs.push(cb),
    status,
    async close() {
      clearInterval(renew);
      await client.removeChannel(live);
      if (detail) await client.removeChannel(detail);
      await client.disconnect();
    },
  };
}
