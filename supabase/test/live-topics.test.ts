// The live layer's topics (`site:<id>`) are private channels: who may join them, and that a
// private broadcast reaches only those joined privately (a short-lived token for the site, as
// the Worker's passes are; never a long-lived one, never anon, public_live or not) — through the
// devstack's Realtime, which authorises private joins by the policies on realtime.messages as
// hosted Realtime does. Members and share links: accounts.test.ts, share-links.test.ts.
import {
  REALTIME_SUBSCRIBE_STATES,
  RealtimeClient,
  type RealtimeChannel,
} from '@supabase/realtime-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSite, startTestStack, type TestStack } from './support/stack.js';

let t: TestStack;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: 'alpha' });
  await createSite(t.db, { id: 'beta' });
  await createSite(t.db, { id: 'open', publicLive: true });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.disconnect()));
  await t?.stop();
});

interface Joined {
  channel: RealtimeChannel;
  received: unknown[];
}

/** Joins `topic` (privately unless said otherwise) as `bearer`; resolves with the join status. */
async function join(
  bearer: string,
  topic: string,
  isPrivate = true,
): Promise<{ status: string; joined: Joined }> {
  const client = new RealtimeClient(`${t.stack.url}/realtime/v1`, {
    params: { apikey: t.stack.publishableKey },
    transport: WebSocket as never,
    timeout: 5_000,
  });
  clients.push(client);
  await client.setAuth(bearer);
  const received: unknown[] = [];
  const channel = client
    .channel(topic, { config: { private: isPrivate } })
    .on('broadcast', { event: 'live' }, (message: { payload?: unknown }) =>
      received.push(message.payload),
    );
  const status = await new Promise<string>((resolve) => {
    channel.subscribe((s) => {
      if (s !== REALTIME_SUBSCRIBE_STATES.CLOSED) resolve(s);
    });
  });
  return { status, joined: { channel, received } };
}

/** What SiteLive sends: the broadcast REST API with the service key, private. */
async function broadcast(topic: string, payload: unknown, isPrivate = true): Promise<void> {
  const res = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: {
      apikey: t.stack.secretKey,
      authorization: `Bearer ${t.stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ messages: [{ topic, event: 'live', payload, private: isPrivate }] }),
  });
  expect(res.ok).toBe(true);
}

const SUBSCRIBED = REALTIME_SUBSCRIBE_STATES.SUBSCRIBED;

/** What the Worker's POST /v1/live-pass mints for `pnpm sightline token --site …`. */
const servicePass = (sites: string[], seconds = 60) =>
  t.pass({ role: 'authenticated', sub: `service:${sites.join(',')}`, site_ids: sites }, seconds);

describe('live topics are private channels', () => {
  it("admits a short-lived service pass to its own sites' topics only", async () => {
    const pass = await servicePass(['alpha']);
    expect((await join(pass, 'site:alpha')).status).toBe(SUBSCRIBED);
    expect((await join(pass, 'site:beta')).status).not.toBe(SUBSCRIBED);
    expect((await join(pass, 'site:alphabet')).status).not.toBe(SUBSCRIBED);
  });

  it('refuses a token that lives longer than two minutes (it could outlast a revocation)', async () => {
    expect((await join(await t.token(['alpha']), 'site:alpha')).status).not.toBe(SUBSCRIBED);
    expect((await join(await servicePass(['alpha'], 121), 'site:alpha')).status).not.toBe(
      SUBSCRIBED,
    );
    expect((await join(await servicePass(['alpha'], 120), 'site:alpha')).status).toBe(SUBSCRIBED);
  });

  it("admits anon to no live topic, not even a public_live site's (it carries every visitor)", async () => {
    expect((await join(t.stack.publishableKey, 'site:open')).status).not.toBe(SUBSCRIBED);
    expect((await join(t.stack.publishableKey, 'site:alpha')).status).not.toBe(SUBSCRIBED);
  });

  it('delivers a private broadcast to private members, never to a public join of the topic', async () => {
    const own = await join(await servicePass(['alpha']), 'site:alpha');
    const publicJoin = await join(t.stack.publishableKey, 'site:alpha', false);
    expect(own.status).toBe(SUBSCRIBED);
    expect(publicJoin.status).toBe(SUBSCRIBED); // public channels need no policy...
    await broadcast('site:alpha', { visitorsNow: 7 });
    // The sentinel: a public broadcast on the same topic, sent after the private one was
    // delivered (the REST call answers once it has been). When the public join has it, the
    // private one would have reached it first.
    await broadcast('site:alpha', { sentinel: true }, false);
    const arrived = (joined: Joined) => joined.received.length;
    await expect.poll(() => arrived(publicJoin.joined), { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(() => arrived(own.joined), { timeout: 5_000 }).toBeGreaterThan(0);
    expect(own.joined.received).toEqual([{ visitorsNow: 7 }]);
    expect(publicJoin.joined.received).toEqual([{ sentinel: true }]); // ...but nothing private
  });
});
