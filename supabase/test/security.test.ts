// Tenant isolation through PostgREST and Realtime, as automation (a service token from
// `pnpm sightline token`) and a public page (the publishable key) reach them: a token for site A
// sees nothing of site B, anon sees only the live COUNT of a public_live site (no row of any
// table: it used to read that site's visitors, with paths, coordinates and visitor ids), only
// service_role writes, and bad tokens pass nowhere. Members and share links: accounts.test.ts,
// share-links.test.ts.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  REALTIME_SUBSCRIBE_STATES,
  RealtimeClient,
  type RealtimeChannel,
} from '@supabase/realtime-js';
import type { PostgrestClient } from '@supabase/postgrest-js';
import { generateKeyPair, SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, rest, startTestStack, type TestStack } from './support/stack.js';
import { rpc, rpcError } from './support/rpc.js';
import { INGEST_TABLES } from './support/fingerprint.js';
import { generateTraffic, toBatches } from './support/traffic.js';

// Every table a token could read: the sites and all that ingest_batch writes.
const TABLES = ['sites', ...INGEST_TABLES] as const;
const run = promisify(execFile);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sightline.js');

let t: TestStack;
let alpha: PostgrestClient;
const liveVisitors: Record<string, number> = {};

/** Ingests a few sessions of the last two minutes; returns how many visitors they had. */
async function ingestRecent(siteId: string, seed: number, batchPrefix: string): Promise<number> {
  const traffic = generateTraffic({
    siteId,
    idPrefix: `${siteId}-${batchPrefix}`,
    seed,
    startMs: Date.now() - 120_000,
    spanMs: 60_000,
    visitors: 4,
    sessions: 6,
  });
  for (const batch of toBatches(traffic, 40, batchPrefix)) {
    await rpc(t.service, 'ingest_batch', { payload: batch });
  }
  return new Set(traffic.sessions.map((s) => s.visitor_id)).size;
}

async function siteIdsOf(
  client: PostgrestClient,
  table: string,
): Promise<{ ids: string[]; error: unknown }> {
  const column = table === 'sites' ? 'id' : 'site_id';
  const { data, error } = (await client.from(table).select(column)) as unknown as {
    data: Record<string, string>[] | null;
    error: unknown;
  };
  return { ids: [...new Set((data ?? []).map((row) => row[column]!))].sort(), error };
}

const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: 'alpha' });
  await createSite(t.db, { id: 'beta' });
  await createSite(t.db, { id: 'open', publicLive: true });
  liveVisitors.alpha = await ingestRecent('alpha', 1, 'first');
  liveVisitors.beta = await ingestRecent('beta', 2, 'first');
  liveVisitors.open = await ingestRecent('open', 3, 'first');
  // A token minted by the CLI, exactly as an operator would.
  const { stdout } = await run(process.execPath, [
    CLI,
    'token',
    '--site',
    'alpha',
    '--ttl',
    '1h',
    // The = form: a generated secret may start with "-".
    `--secret=${t.stack.jwtSecret}`,
  ]);
  alpha = rest(t.stack, stdout.trim());
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('a service token (role authenticated, claim site_ids, no user)', () => {
  it.each(TABLES.map((table) => [table]))('reads only its own sites from %s', async (table) => {
    expect(await siteIdsOf(alpha, table)).toEqual({ ids: ['alpha'], error: null });
    expect(await siteIdsOf(await t.dashboard(['alpha', 'beta']), table)).toEqual({
      ids: ['alpha', 'beta'],
      error: null,
    });
    expect(await siteIdsOf(await t.dashboard([]), table)).toEqual({ ids: [], error: null });
  });

  it("gets the reports of its site and a 403 for another site's", async () => {
    const mine = await rpc<{ visits: number }>(alpha, 'stats_overview', {
      p_site: 'alpha',
      ...range,
    });
    expect(mine.visits).toBe(6);
    for (const [fn, args] of [
      ['stats_overview', {}],
      ['stats_breakdown', { p_dimension: 'country' }],
      ['stats_timeseries', { p_resolution: 'day' }],
    ] as const) {
      expect(await rpcError(alpha, fn, { p_site: 'beta', ...range, ...args })).toMatchObject({
        status: 403,
        code: '42501',
        message: 'site "beta" not found or not readable with this token',
      });
    }
    expect(await rpcError(alpha, 'live_visitors', { p_site: 'beta' })).toMatchObject({
      status: 403,
      code: '42501',
    });
    expect((await rpc<unknown[]>(alpha, 'live_visitors', { p_site: 'alpha' })).length).toBe(
      liveVisitors.alpha,
    );
  });

  it('may be signed with the signing key a project imported (--key, --url): it reads the same', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'token',
      '--site',
      'alpha',
      '--key',
      JSON.stringify(t.stack.signingKey),
      '--url',
      t.stack.url,
    ]);
    expect(await siteIdsOf(rest(t.stack, stdout.trim()), 'sessions')).toEqual({
      ids: ['alpha'],
      error: null,
    });
  });

  it('is refused with a signature of another secret', async () => {
    const forged = await run(process.execPath, [
      CLI,
      'token',
      '--site',
      'beta',
      '--secret',
      'x'.repeat(40),
    ]);
    const { status } = await rest(t.stack, forged.stdout.trim()).from('sites').select('id');
    expect(status).toBe(401);
  });

  it('cannot call ingest_batch or write any table', async () => {
    const batch = { batch_id: 'nope', store_raw: false, events: [], sessions: [], visitors: [] };
    expect(await rpcError(alpha, 'ingest_batch', { payload: batch })).toMatchObject({
      status: 403,
      code: '42501',
    });
    const insert = await alpha.from('sites').insert({ id: 'mine', name: 'Mine' });
    expect([insert.status, insert.error?.code]).toEqual([403, '42501']);
    const update = await alpha.from('visitors').update({ value_score: 100 }).eq('site_id', 'alpha');
    expect([update.status, update.error?.code]).toEqual([403, '42501']);
    const applied = await alpha.from('applied_batches').select('batch_id');
    expect([applied.status, applied.error?.code]).toEqual([403, '42501']);
  });
});

describe("a site's settings: goals, funnels, content groups", () => {
  it('a token reads and writes those of its sites, and none of another site', async () => {
    const beta = await t.dashboard(['beta']);
    const made = await alpha
      .from('goals')
      .insert({ site_id: 'alpha', name: 'Signed up', event_name: 'signup' })
      .select('id')
      .single();
    expect(made.error).toBeNull();
    const id = (made.data as { id: number }).id;
    const theirs = await beta
      .from('goals')
      .insert({ site_id: 'beta', name: 'Theirs', page_path: '/thanks' })
      .select('id')
      .single();
    expect(theirs.error).toBeNull();
    // Not another site's: invisible, and a row for it is refused by the policy.
    expect((await alpha.from('goals').select('name')).data).toEqual([{ name: 'Signed up' }]);
    const foreign = await alpha
      .from('goals')
      .insert({ site_id: 'beta', name: 'x', event_name: 'x' });
    expect([foreign.status, foreign.error?.code]).toEqual([403, '42501']);
    const moved = await alpha
      .from('goals')
      .update({ name: 'Stolen' })
      .eq('site_id', 'beta')
      .select();
    expect(moved.data).toEqual([]);
    // A funnel may not use another site's goal; a goal a funnel uses stays until it does not.
    const bad = await alpha.from('funnels').insert({
      site_id: 'alpha',
      name: 'Cross',
      steps: [{ page: '/' }, { goal: (theirs.data as { id: number }).id }],
    });
    expect([bad.status, bad.error?.code]).toEqual([400, '22023']);
    const funnel = await alpha
      .from('funnels')
      .insert({ site_id: 'alpha', name: 'Signup', steps: [{ page: '/' }, { goal: id }] });
    expect(funnel.error).toBeNull();
    const gone = await alpha.from('goals').delete().eq('id', id);
    expect([gone.status, gone.error?.code, gone.error?.message]).toEqual([
      400,
      '22023',
      'goal "Signed up" is a step of funnel "Signup": change the funnel first',
    ]);
    const group = await alpha
      .from('content_groups')
      .insert({ site_id: 'alpha', content_group: 'product', path_pattern: '/shop/**' });
    expect(group.error).toBeNull();
    expect((await beta.from('content_groups').select('*')).data).toEqual([]);
  });

  it('refuses what the reports could not read, with a reason', async () => {
    for (const [table, row, message] of [
      ['goals', { site_id: 'alpha', name: 'q', page_path: '/a?b=1' }, /page_path must be a path/],
      ['goals', { site_id: 'alpha', name: 'both', event_name: 'x', page_path: '/x' }, /check/],
      ['funnels', { site_id: 'alpha', name: 'one', steps: [{ page: '/' }] }, /check/],
      [
        'funnels',
        { site_id: 'alpha', name: 'odd', steps: [{ page: '/' }, { url: '/x' }] },
        /step 2/,
      ],
      ['content_groups', { site_id: 'alpha', content_group: 'toys', path_pattern: '/t' }, /check/],
    ] as const) {
      const { error, status } = await alpha.from(table).insert(row);
      expect(status, table).toBe(400);
      expect(error?.message, table).toMatch(message);
    }
  });

  it('anon reads and writes none of them', async () => {
    for (const table of ['goals', 'funnels', 'content_groups']) {
      const read = await t.anon.from(table).select('*');
      expect(read.data ?? []).toEqual([]);
      const write = await t.anon
        .from(table)
        .insert({ site_id: 'open', name: 'x', event_name: 'x' });
      expect(write.status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('anon (the public key alone)', () => {
  it.each(TABLES.map((table) => [table]))(
    'reads nothing from %s, not even of a public_live site',
    async (table) => {
      expect(await siteIdsOf(t.anon, table)).toEqual({ ids: [], error: null });
    },
  );

  it('gets the live count of a public_live site only, no visitor list and no reports', async () => {
    expect(await rpc(t.anon, 'live_count', { p_site: 'open' })).toBe(liveVisitors.open);
    expect(await rpc(t.anon, 'live_count', { p_site: 'alpha' })).toBeNull();
    expect(await rpc(t.anon, 'live_count', { p_site: 'nowhere' })).toBeNull();
    expect(await rpcError(t.anon, 'live_visitors', { p_site: 'open' })).toMatchObject({
      status: 401,
      code: '42501',
    });
    expect(await rpcError(t.anon, 'stats_overview', { p_site: 'open', ...range })).toMatchObject({
      status: 401,
      code: '42501',
    });
  });

  it('cannot call ingest_batch or write', async () => {
    const batch = { batch_id: 'nope', store_raw: false, events: [], sessions: [], visitors: [] };
    expect(await rpcError(t.anon, 'ingest_batch', { payload: batch })).toMatchObject({
      status: 401,
      code: '42501',
    });
    const del = await t.anon.from('visitors').delete().eq('site_id', 'open');
    expect([del.status, del.error?.code]).toEqual([401, '42501']);
  });
});

describe('Realtime postgres_changes on visitors', () => {
  interface Change {
    eventType: string;
    new: { site_id?: string };
  }

  /** Joins a fresh public topic on each client, broadcasts to it from Postgres, awaits it on each. */
  async function sentinel(subscribers: { client: RealtimeClient }[]): Promise<void> {
    const topic = `sentinel-${Date.now()}`;
    const joined = await Promise.all(
      subscribers.map(({ client }) => {
        let arrived = () => {};
        const arrival = new Promise<void>((resolve) => (arrived = resolve));
        const channel = client
          .channel(topic)
          .on('broadcast', { event: 'sentinel' }, () => arrived());
        return new Promise<{ arrival: Promise<void> }>((resolve, reject) =>
          channel.subscribe((status, error) => {
            if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve({ arrival });
            else reject(new Error(`${status}: ${error?.message ?? ''}`));
          }),
        );
      }),
    );
    await t.db.query(`select realtime.send('{}'::jsonb, 'sentinel', $1, false)`, [topic]);
    await Promise.all(joined.map(({ arrival }) => arrival));
  }

  async function subscribe(
    bearer: string,
    topic: string,
    filter?: string,
  ): Promise<{ client: RealtimeClient; changes: Change[]; channel: RealtimeChannel }> {
    const client = new RealtimeClient(`${t.stack.url}/realtime/v1`, {
      params: { apikey: t.stack.publishableKey },
      // Node 20 has no global WebSocket.
      transport: WebSocket as never,
      timeout: 5_000,
    });
    await client.setAuth(bearer);
    const changes: Change[] = [];
    const channel = client
      .channel(topic)
      .on(
        'postgres_changes' as never,
        { event: '*', schema: 'public', table: 'visitors', ...(filter ? { filter } : {}) } as never,
        ((change: Change) => changes.push(change)) as never,
      );
    return new Promise((resolve, reject) => {
      channel.subscribe((status, error) => {
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve({ client, changes, channel });
        else reject(new Error(`${status}: ${error?.message ?? ''}`));
      });
    });
  }

  it("delivers a token's own sites' changes and nothing of other sites", async () => {
    const token = await t.token(['alpha']);
    const all = await subscribe(token, 'alpha-all');
    const spying = await subscribe(token, 'alpha-spying', 'site_id=eq.beta');
    const anon = await subscribe(t.stack.publishableKey, 'anon-all');
    try {
      await ingestRecent('beta', 12, 'second');
      await ingestRecent('open', 13, 'second');
      await ingestRecent('alpha', 11, 'second');
      // The sentinel: a broadcast from Postgres after every ingest, which Realtime handles in
      // commit order with the row changes, on each of the three sockets (anon's and the spying
      // one receive nothing else). When it has arrived, a leaked change would have come first.
      await sentinel([all, spying, anon]);
      expect(all.changes.length).toBeGreaterThan(0);
      expect(new Set(all.changes.map((c) => c.new.site_id))).toEqual(new Set(['alpha']));
      expect(spying.changes).toEqual([]);
      // Not even the public_live site's visitors: public means the count.
      expect(anon.changes).toEqual([]);
    } finally {
      for (const s of [all, spying, anon]) {
        await s.client.removeAllChannels();
        await s.client.disconnect();
      }
    }
  });
});

describe('tokens that must not pass: expired, forged, wrong audience, alg none', () => {
  // A member's pass for alpha, made bad four ways; the good one is the control.
  async function tokens(): Promise<Record<string, string>> {
    const member = await t.user('member');
    await t.db.query(
      `insert into public.site_members (site_id, user_id, role) values ('alpha', $1, 'viewer')`,
      [member.id],
    );
    const claims = {
      role: 'authenticated',
      sub: member.id,
      aud: 'authenticated',
      iss: t.stack.authUrl,
    };
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair('ES256');
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return {
      good: await t.stack.signToken(claims, { expiresIn: 60 }),
      expired: await t.stack.signToken(claims, { exp: now - 5 }),
      forged: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: t.stack.signingKey.kid, typ: 'JWT' })
        .setExpirationTime(now + 60)
        .sign(privateKey),
      'wrong audience': await t.stack.signToken(
        { ...claims, aud: 'someone-else' },
        { expiresIn: 60 },
      ),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 60 })}.`,
    };
  }

  it('are refused by PostgREST and Realtime, while the good one passes both', async () => {
    const all = await tokens();
    for (const [name, token] of Object.entries(all)) {
      const report = await rest(t.stack, token).rpc('stats_overview', {
        p_site: 'alpha',
        ...range,
      });
      const live = await new Promise<string>((resolve) => {
        const client = new RealtimeClient(`${t.stack.url}/realtime/v1`, {
          params: { apikey: t.stack.publishableKey },
          transport: WebSocket as never,
          timeout: 5_000,
        });
        void client.setAuth(token).then(() =>
          client.channel('site:alpha', { config: { private: true } }).subscribe((status) => {
            resolve(status);
            void client.removeAllChannels().then(() => client.disconnect());
          }),
        );
      });
      expect([name, report.status, live]).toEqual(
        name === 'good' ? [name, 200, 'SUBSCRIBED'] : [name, 401, 'CHANNEL_ERROR'],
      );
    }
  });
});
