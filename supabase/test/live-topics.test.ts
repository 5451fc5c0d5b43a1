// The live layer's topics (`site:<id>`) are private channels: who may join them, and that a
// private broadcast reaches only those joined privately (a dashboard token for the site; anon
// never, public_live or not) — through the devstack's Realtime, which
// authorises private joins by the policies on realtime.messages as hosted Realtime does.
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
    params: { apikey: t.stack.anonKey },
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
      apikey: t.stack.serviceRoleKey,
      authorization: `Bearer ${t.stack.serviceRoleKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ messages: [{ topic, event: 'live', payload, private: isPrivate }] }),
  });
  expect(res.ok).toBe(true);
}

const SUBSCRIBED = REALTIME_SUBSCRIBE_STATES.SUBSCRIBED;

describe('live topics are private channels', () => {
  it("admits a dashboard token to its own sites' topics only", async () => {
    const token = await t.token(['alpha']);
    expect((await join(token, 'site:alpha')).status).toBe(SUBSCRIBED);
    expect((await join(token, 'site:beta')).status).not.toBe(SUBSCRIBED);
    expect((await join(token, 'site:alphabet')).status).not.toBe(SUBSCRIBED);
  });

  it("admits anon to no live topic, not even a public_live site's (it carries every visitor)", async () => {
    expect((await join(t.stack.anonKey, 'site:open')).status).not.toBe(SUBSCRIBED);
    expect((await join(t.stack.anonKey, 'site:alpha')).status).not.toBe(SUBSCRIBED);
  });

  it('delivers a private broadcast to private members, never to a public join of the topic', async () => {
    const own = await join(await t.token(['alpha']), 'site:alpha');
    const publicJoin = await join(t.stack.anonKey, 'site:alpha', false);
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
