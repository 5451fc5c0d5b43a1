/**
 * A stand-in for Supabase's HTTP surface, for the Miniflare tests and the benchmark: it serves
 * `GET /rest/v1/sites` (to the service key, and to a dashboard token for the sites in its
 * `site_ids` claim, as RLS would: the token's signature is not checked here), records `POST /rest/v1/rpc/ingest_batch` (applying each batch id once,
 * like the real RPC) and `POST /realtime/v1/api/broadcast`, and fails either on demand, per
 * site. This is a mock of something that cannot run inside workerd; the end-to-end tests
 * (test/e2e) run the same Worker against the real devstack instead.
 *
 * Runs in Node (vitest globalSetup, bench). Control API: POST /__control, GET /__state.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromIngestWire, type IngestBatch, type IngestWire } from '@sightline/schema';
import type { RecordedBatch, RecorderSite, RecorderState } from '../support/recorder-types.js';

export type { RecordedBatch, RecorderSite, RecorderState };

export interface Recorder {
  url: string;
  state: RecorderState;
  close(): Promise<void>;
}

/** What a dashboard token may read: its `site_ids` claim; null for a token that is no JWT. */
function tokenSites(authorization: string | undefined): string[] | null {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      site_ids?: unknown;
      exp?: unknown;
    };
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return null;
    return Array.isArray(claims.site_ids) ? claims.site_ids.map(String) : [];
  } catch {
    return null;
  }
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the recorder on a free loopback port. `record: false` keeps counts only (bench). */
export async function startRecorder(
  options: { sites?: RecorderSite[]; record?: boolean } = {},
): Promise<Recorder> {
  const record = options.record ?? true;
  const sites = new Map((options.sites ?? []).map((s) => [s.id, s]));
  const applied = new Set<string>();
  const state: RecorderState = {
    rpcCalls: 0,
    rpcFailures: 0,
    eventsReceived: 0,
    batches: [],
    broadcasts: [],
    siteLookups: 0,
    failRpc: [],
    failRealtime: [],
    failSites: [],
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = await body(req);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === '/__state') return send(200, state);
      if (url.pathname === '/__control') {
        const control = JSON.parse(text) as Partial<RecorderState> & { sites?: RecorderSite[] };
        if (control.failRpc) state.failRpc = control.failRpc;
        if (control.failRealtime) state.failRealtime = control.failRealtime;
        if (control.failSites) state.failSites = control.failSites;
        for (const site of control.sites ?? []) sites.set(site.id, site);
        return send(200, { ok: true });
      }
      if (url.pathname === '/rest/v1/sites' && req.method === 'GET') {
        state.siteLookups++;
        const id = (url.searchParams.get('id') ?? '').replace(/^eq\./, '');
        if (state.failSites.includes(id))
          return send(503, { code: 'PGRST000', message: 'database unavailable (recorder)' });
        const site = sites.get(id);
        if (req.headers.authorization !== `Bearer ${String(req.headers.apikey)}`) {
          // A dashboard token in Authorization (the Worker's watch route asks with it).
          const readable = tokenSites(req.headers.authorization);
          if (readable === null) return send(401, { code: 'PGRST301', message: 'JWT invalid' });
          return send(200, site && readable.includes(id) ? [{ id }] : []);
        }
        return send(200, site ? [site] : []);
      }
      if (url.pathname === '/rest/v1/rpc/site_access' && req.method === 'POST') {
        // As the database answers a caller (the Worker verified the token's signature): the
        // sites of its `site_ids` claim, as a service token sees them.
        const readable = tokenSites(req.headers.authorization);
        if (readable === null) return send(401, { code: 'PGRST301', message: 'JWT invalid' });
        const asked = (JSON.parse(text || '{}') as { p_site?: unknown }).p_site;
        const id = typeof asked === 'string' ? asked : '';
        const site = sites.get(id);
        if (!site || !readable.includes(id))
          return send(403, { code: '42501', message: 'not readable', details: 'not_readable' });
        return send(200, {
          site: { id, name: site.name, timezone: site.timezone, public_live: site.public_live },
          access: 'service',
          hidden: [],
        });
      }
      if (url.pathname === '/rest/v1/rpc/ingest_batch' && req.method === 'POST') {
        state.rpcCalls++;
        // The Worker sends the compact wire form (one site per flush); recorded batches are
        // kept in the object form the tests read.
        const { payload } = JSON.parse(text) as { payload: IngestWire | IngestBatch };
        const site =
          'v' in payload
            ? payload.site_id
            : (payload.events[0]?.site_id ?? payload.sessions[0]?.site_id ?? '');
        if (state.failRpc.includes(site) || state.failRpc.includes('*')) {
          state.rpcFailures++;
          return send(503, {
            code: 'PGRST000',
            message: 'database unavailable (recorder)',
            details: null,
            hint: null,
          });
        }
        const duplicate = applied.has(payload.batch_id);
        applied.add(payload.batch_id);
        if (!duplicate) state.eventsReceived += payload.events.length;
        if (record) {
          const batch = fromIngestWire(payload);
          state.batches.push({
            batch_id: batch.batch_id,
            site,
            wire: 'v' in payload,
            events: batch.events,
            sessions: batch.sessions as unknown as RecordedBatch['sessions'],
            visitors: batch.visitors as unknown as RecordedBatch['visitors'],
            duplicate,
          });
        }
        return send(200, { batch_id: payload.batch_id, duplicate, events: payload.events.length });
      }
      if (url.pathname === '/realtime/v1/api/broadcast' && req.method === 'POST') {
        const { messages } = JSON.parse(text) as { messages: RecorderState['broadcasts'] };
        const topic = messages[0]?.topic ?? '';
        if (state.failRealtime.some((s) => topic === `site:${s}`))
          return send(503, { message: 'realtime down' });
        if (record) state.broadcasts.push(...messages);
        return send(202, {});
      }
      send(404, { message: 'not found' });
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
