import type { RealtimeClient } from '@supabase/realtime-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, userToken, type TestStack } from './helpers.js';
import { Inbox, realtimeClient, subscribed, type Vsn } from './realtime-helpers.js';

type Broadcast = { type: string; event: string; payload: unknown };

let t: TestStack;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  t = await startTestStack({
    // Supabase's way to authorise private channels: RLS on realtime.messages with realtime.topic().
    '20240101000000_private_topics.sql': `
      create policy "own site topics" on realtime.messages for select to authenticated
        using (realtime.topic() in (select 'site:' || jsonb_array_elements_text(auth.jwt() -> 'site_ids')));`,
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

afterAll(async () => {
  await t?.cleanup();
});

function client(vsn: Vsn): RealtimeClient {
  const c = realtimeClient(t.stack, vsn);
  clients.push(c);
  return c;
}

async function listen(
  c: RealtimeClient,
  topic: string,
  config: { self?: boolean; ack?: boolean } = {},
) {
  const inbox = new Inbox<Broadcast>();
  const channel = c
    .channel(topic, { config: { broadcast: config } })
    .on('broadcast', { event: '*' }, inbox.push);
  await subscribed(channel);
  return { channel, inbox };
}

describe('broadcast', () => {
  it('delivers between vsn 2.0.0 and 1.0.0 clients, honouring self and ack', async () => {
    const sender = await listen(client('2.0.0'), 'room', { self: true, ack: true });
    const other = await listen(client('1.0.0'), 'room');
    const quiet = await listen(client('2.0.0'), 'room', { self: false });

    expect(
      await sender.channel.send({ type: 'broadcast', event: 'hello', payload: { n: 1 } }),
    ).toBe('ok');
    await other.inbox.next((message) => message.event === 'hello');
    await sender.inbox.next((message) => message.event === 'hello');
    expect((await quiet.inbox.next((message) => message.event === 'hello')).payload).toEqual({
      n: 1,
    });

    await other.channel.send({ type: 'broadcast', event: 'back', payload: { n: 2 } });
    expect((await quiet.inbox.next((message) => message.event === 'back')).payload).toEqual({
      n: 2,
    });
    // The sentinel: a broadcast the server handles after `back` (which had reached quiet), on
    // the same topic; when `other` has it, its own `back` would have come first.
    await sender.channel.send({ type: 'broadcast', event: 'sentinel', payload: {} });
    await other.inbox.next((message) => message.event === 'sentinel');
    expect(other.inbox.items.filter((message) => message.event === 'back')).toEqual([]);
  });

  it('falls back to a text frame when the topic is too long for a binary frame', async () => {
    // realtime-js cannot push such a topic itself under 2.0.0, but a back end can broadcast to it.
    const topic = `long-${'t'.repeat(300)}`;
    const { inbox } = await listen(client('2.0.0'), topic);
    const response = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: t.stack.serviceRoleKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic, event: 'long', payload: { ok: 1 } }] }),
    });
    expect(response.status).toBe(202);
    expect((await inbox.next()).payload).toEqual({ ok: 1 });
  });

  it('round-trips a binary payload between vsn 2.0.0 clients', async () => {
    const a = await listen(client('2.0.0'), 'bytes');
    const b = await listen(client('2.0.0'), 'bytes');
    const bytes = new Uint8Array([0, 1, 2, 250, 255]).buffer;
    await a.channel.send({ type: 'broadcast', event: 'blob', payload: bytes });
    const received = await b.inbox.next();
    expect(received.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(received.payload as ArrayBuffer)]).toEqual([0, 1, 2, 250, 255]);
  });

  it('accepts REST broadcasts from the back end (service key → 202) and httpSend', async () => {
    const { inbox, channel } = await listen(client('2.0.0'), 'site:42');
    const response = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: {
        apikey: t.stack.serviceRoleKey,
        authorization: `Bearer ${t.stack.serviceRoleKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        messages: [{ topic: 'site:42', event: 'live', payload: { visitors: 3 }, private: false }],
      }),
    });
    expect(response.status).toBe(202);
    expect((await inbox.next((message) => message.event === 'live')).payload).toEqual({
      visitors: 3,
    });

    expect(await channel.httpSend('direct', { ok: true })).toEqual({ success: true });
    expect((await inbox.next((message) => message.event === 'direct')).payload).toEqual({
      ok: true,
    });

    const bad = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: t.stack.serviceRoleKey, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    const noKey = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      body: '{}',
    });
    expect(noKey.status).toBe(401);
  });

  it("relays Supabase's realtime.send() from SQL", async () => {
    const { inbox } = await listen(client('1.0.0'), 'from-sql');
    const db = new pg.Client({ connectionString: t.stack.dbUrl });
    await db.connect();
    await db.query(`select realtime.send('{"a": 1}'::jsonb, 'sql-event', 'from-sql', false)`);
    await db.end();
    expect((await inbox.next()).payload).toEqual({ a: 1 });
  });
});

describe('private channels', () => {
  async function joinPrivate(token: string, topic: string): Promise<void> {
    const c = client('2.0.0');
    await c.setAuth(token);
    await subscribed(c.channel(topic, { config: { private: true } }));
  }

  it('are authorised by RLS on realtime.messages, as on hosted Realtime', async () => {
    const token = await userToken(t.stack, { site_ids: [1] });
    await joinPrivate(token, 'site:1');
    await expect(joinPrivate(token, 'site:2')).rejects.toThrow(/CHANNEL_ERROR.*Unauthorized/);
    await expect(joinPrivate(t.stack.anonKey, 'site:1')).rejects.toThrow(/CHANNEL_ERROR/);
    await joinPrivate(t.stack.serviceRoleKey, 'site:2');
    const db = new pg.Client({ connectionString: t.stack.dbUrl });
    await db.connect();
    const probes = await db.query('select count(*)::int as n from realtime.messages');
    await db.end();
    expect(probes.rows[0]).toEqual({ n: 0 });
  });

  it('are authorised again when the token is refreshed, and closed when no longer allowed', async () => {
    const ws = new WebSocket(
      `${t.stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${t.stack.anonKey}&vsn=2.0.0`,
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const frames: unknown[][] = [];
    ws.on('message', (data) =>
      frames.push(JSON.parse((data as Buffer).toString('utf8')) as unknown[]),
    );
    const send = (ref: string, event: string, payload: unknown) =>
      ws.send(JSON.stringify(['1', ref, 'realtime:site:4', event, payload]));
    const waitFor = (event: string) =>
      expect.poll(() => frames.some((frame) => frame[3] === event), { timeout: 5_000 }).toBe(true);
    const first = await userToken(t.stack, { site_ids: [4] });
    send('1', 'phx_join', { config: { private: true }, access_token: first });
    await waitFor('phx_reply');
    expect(frames[0]![4]).toMatchObject({ status: 'ok' });
    // The same token again, and a new one still allowed: the channel stays.
    send('2', 'access_token', { access_token: first });
    send('3', 'access_token', { access_token: await userToken(t.stack, { site_ids: [4, 5] }) });
    // A token whose claims the policy no longer admits (membership taken away): closed.
    send('4', 'access_token', { access_token: await userToken(t.stack, { site_ids: [5] }) });
    await waitFor('phx_close');
    expect(frames.map((frame) => frame[3])).toEqual(['phx_reply', 'system', 'phx_close']);
    expect(frames[1]![4]).toMatchObject({
      status: 'error',
      message: 'You no longer have permission to read from this Channel topic: site:4',
      channel: 'site:4',
    });
    ws.close();
  });

  it('keep private and public topics of the same name apart', async () => {
    const reader = client('2.0.0');
    await reader.setAuth(t.stack.serviceRoleKey);
    const inbox = new Inbox<Broadcast>();
    await subscribed(
      reader
        .channel('site:7', { config: { private: true } })
        .on('broadcast', { event: '*' }, inbox.push),
    );
    const send = (isPrivate: boolean, key: string) =>
      fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
        method: 'POST',
        headers: {
          apikey: key,
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          messages: [
            {
              topic: 'site:7',
              event: isPrivate ? 'private' : 'public',
              payload: {},
              private: isPrivate,
            },
          ],
        }),
      });
    expect((await send(false, t.stack.serviceRoleKey)).status).toBe(202);
    expect((await send(true, t.stack.anonKey)).status).toBe(202);
    expect((await send(true, t.stack.serviceRoleKey)).status).toBe(202);
    // The last send is the sentinel: each send was delivered before it was answered, so the
    // first two, had they reached this socket, would have arrived before it.
    await inbox.next((message) => message.event === 'private');
    expect(inbox.items.map((message) => message.event)).toEqual(['private']);
  });
});

describe('presence', () => {
  it('syncs state and diffs across clients of both serializers', async () => {
    const a = client('2.0.0');
    const b = client('1.0.0');
    const channelA = a.channel('lobby', { config: { presence: { key: 'alice' } } });
    const channelB = b.channel('lobby', { config: { presence: { key: 'bob' } } });
    const syncsA = new Inbox<number>();
    const leavesA = new Inbox<string>();
    channelA
      .on('presence', { event: 'sync' }, () => syncsA.push(Date.now()))
      .on('presence', { event: 'leave' }, ({ key }) => leavesA.push(key));
    channelB.on('presence', { event: 'sync' }, () => undefined);
    await subscribed(channelA);
    await subscribed(channelB);
    expect(await channelA.track({ name: 'Alice' })).toBe('ok');
    expect(await channelB.track({ name: 'Bob' })).toBe('ok');

    await syncsA.next(() => Object.keys(channelA.presenceState()).length === 2);
    const state = channelA.presenceState<{ name: string }>();
    expect(state.alice?.[0]).toMatchObject({ name: 'Alice' });
    expect(state.bob?.[0]).toMatchObject({ name: 'Bob' });
    expect(state.bob?.[0]?.presence_ref).toEqual(expect.any(String));

    await b.removeChannel(channelB);
    expect(await leavesA.next()).toBe('bob');
    expect(Object.keys(channelA.presenceState())).toEqual(['alice']);
  });
});

describe('bad input', () => {
  function raw(query = `apikey=${t.stack.anonKey}&vsn=2.0.0`): Promise<WebSocket> {
    const ws = new WebSocket(`${t.stack.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  function nextFrame(ws: WebSocket): Promise<unknown> {
    return new Promise((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse((data as Buffer).toString('utf8')))),
    );
  }
  function closed(ws: WebSocket): Promise<number> {
    return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  it('refuses the upgrade with 401 for a missing or unknown apikey', async () => {
    await expect(raw('vsn=2.0.0')).rejects.toThrow(/401/);
    await expect(raw(`apikey=${await userToken(t.stack, {})}&vsn=2.0.0`)).rejects.toThrow(/401/);
  });

  it('answers heartbeats, unknown events, unjoined topics and bad tokens with replies', async () => {
    const ws = await raw();
    ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    expect(await nextFrame(ws)).toEqual([
      null,
      '1',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);

    ws.send(
      JSON.stringify([
        '2',
        '2',
        'realtime:x',
        'broadcast',
        { type: 'broadcast', event: 'e', payload: {} },
      ]),
    );
    expect(await nextFrame(ws)).toEqual([
      '2',
      '2',
      'realtime:x',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);

    ws.send(
      JSON.stringify(['3', '3', 'realtime:x', 'phx_join', { config: {}, access_token: 'garbage' }]),
    );
    const joinReply = (await nextFrame(ws)) as [
      string,
      string,
      string,
      string,
      { status: string; response: { reason: string } },
    ];
    expect(joinReply[4].status).toBe('error');
    expect(joinReply[4].response.reason).toMatch(/^InvalidJWTToken: /);

    const expired = await userToken(t.stack, {}, { exp: Math.floor(Date.now() / 1000) - 60 });
    ws.send(
      JSON.stringify(['4', '4', 'realtime:x', 'phx_join', { config: {}, access_token: expired }]),
    );
    expect(
      (
        (await nextFrame(ws)) as [
          unknown,
          unknown,
          unknown,
          unknown,
          { response: { reason: string } },
        ]
      )[4].response.reason,
    ).toContain('expired');

    ws.send(JSON.stringify(['5', '5', 'realtime:y', 'phx_join', { config: {} }]));
    expect(((await nextFrame(ws)) as unknown[])[4]).toEqual({ status: 'ok', response: {} });
    ws.send(JSON.stringify(['5', '6', 'realtime:y', 'dance', {}]));
    expect(((await nextFrame(ws)) as unknown[])[4]).toEqual({
      status: 'error',
      response: { reason: 'unknown event: dance' },
    });
    ws.close();
  });

  it('closes a channel whose token expires, with a system error first', async () => {
    const ws = await raw();
    const frames: unknown[][] = [];
    ws.on('message', (data) =>
      frames.push(JSON.parse((data as Buffer).toString('utf8')) as unknown[]),
    );
    const token = await userToken(t.stack, {}, { expiresIn: 2 });
    ws.send(
      JSON.stringify(['1', '1', 'realtime:short', 'phx_join', { config: {}, access_token: token }]),
    );
    await expect
      .poll(() => frames.some((frame) => frame[3] === 'phx_close'), { timeout: 8_000 })
      .toBe(true);
    expect(frames.map((frame) => frame[3])).toEqual(['phx_reply', 'system', 'phx_close']);
    expect(frames[1]![4]).toMatchObject({
      status: 'error',
      message: 'Token has expired',
      channel: 'short',
    });
    ws.close();
  });

  it('closes only the offending socket on malformed or oversized frames', async () => {
    const bystander = client('2.0.0');
    const { inbox } = await listen(bystander, 'still-here');

    const garbage = await raw();
    const garbageClosed = closed(garbage);
    garbage.send('{this is not json');
    expect(await garbageClosed).toBe(1007);

    const truncated = await raw();
    const truncatedClosed = closed(truncated);
    truncated.send(Buffer.from([3, 200, 200, 200, 200, 0, 1]));
    expect(await truncatedClosed).toBe(1007);

    const huge = await raw();
    const hugeClosed = closed(huge);
    huge.send(
      JSON.stringify([
        null,
        '1',
        'realtime:x',
        'broadcast',
        { type: 'broadcast', event: 'e', payload: 'x'.repeat(2 * 1024 * 1024) },
      ]),
    );
    expect(await hugeClosed).toBe(1009);

    const sender = await listen(client('1.0.0'), 'still-here');
    await sender.channel.send({ type: 'broadcast', event: 'alive', payload: {} });
    await inbox.next((message) => message.event === 'alive');
  });
});
