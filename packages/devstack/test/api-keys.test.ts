import { RealtimeClient } from '@supabase/realtime-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supabase } from './auth-helpers.js';
import { startTestStack, type TestStack } from './helpers.js';
import { subscribed } from './realtime-helpers.js';

// The gateway's API keys: publishable and secret keys as Supabase's gateway takes them, the
// legacy JWT keys beside them.
let t: TestStack;
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

beforeAll(async () => {
  t = await startTestStack({
    '20240101000000_items.sql': `
      create table public.items (id int primary key, name text not null);
      alter table public.items enable row level security;
      create policy items_public on public.items for select to anon using (id = 1);
      insert into public.items values (1, 'public'), (2, 'private');`,
  });
});

afterAll(async () => {
  await t?.cleanup();
});

function rest(headers: Record<string, string>): Promise<Response> {
  return fetch(`${t.stack.url}/rest/v1/items?select=id&order=id`, { headers });
}

describe('API keys at the gateway', () => {
  it('has keys shaped like Supabase projects’ keys', () => {
    expect(t.stack.publishableKey).toMatch(/^sb_publishable_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(t.stack.secretKey).toMatch(/^sb_secret_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
  });

  it('the publishable key acts as anon and the secret key as service_role, through supabase-js', async () => {
    const anon = await supabase(t.stack).from('items').select('id').order('id');
    expect(anon.data).toEqual([{ id: 1 }]);
    const service = await supabase(t.stack, t.stack.secretKey)
      .from('items')
      .select('id')
      .order('id');
    expect(service.data).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('still accepts the legacy anon and service_role JWT keys', async () => {
    expect(await (await rest({ apikey: t.stack.anonKey })).json()).toEqual([{ id: 1 }]);
    expect(await (await rest({ apikey: t.stack.serviceRoleKey })).json()).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
  });

  it('refuses the secret key from a browser, with any origin, but not the publishable key', async () => {
    const refused = await rest({
      apikey: t.stack.secretKey,
      'user-agent': CHROME,
      origin: 'http://localhost:5173',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('sb-error-code')).toBe('UNAUTHORIZED_SECRET_KEY_IN_BROWSER');
    const auth = await fetch(`${t.stack.authUrl}/admin/users`, {
      headers: { apikey: t.stack.secretKey, 'user-agent': CHROME },
    });
    expect(auth.status).toBe(401);
    const publishable = await rest({ apikey: t.stack.publishableKey, 'user-agent': CHROME });
    expect(publishable.status).toBe(200);
  });

  it('answers missing, unknown and mismatched keys with 401 and a stable sb-error-code', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'UNAUTHORIZED_MISSING_API_KEY'],
      [{ apikey: 'sb_publishable_not-a-real-key' }, 'UNAUTHORIZED_INVALID_API_KEY'],
      [
        { apikey: t.stack.publishableKey, authorization: `Bearer ${t.stack.secretKey}` },
        'UNAUTHORIZED_API_KEY_MISMATCH',
      ],
    ];
    for (const [headers, code] of cases) {
      const response = await rest(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('sb-error-code')).toBe(code);
    }
  });

  it('opens Realtime with the publishable key and refuses the secret key from a browser there too', async () => {
    const client = new RealtimeClient(`${t.stack.url}/realtime/v1`, {
      params: { apikey: t.stack.publishableKey },
      transport: WebSocket as never,
      // supabase-js sends the publishable key as the access token when nobody is signed in.
      accessToken: () => Promise.resolve(t.stack.publishableKey),
    });
    await subscribed(client.channel('lobby'));
    await client.disconnect();

    const refused = new WebSocket(
      `${t.stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${t.stack.secretKey}&vsn=1.0.0`,
      { headers: { 'user-agent': CHROME } },
    );
    const status = await new Promise<number | undefined>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(401);
  });

  it('lets the secret key broadcast to a private topic over REST, as a Worker does', async () => {
    // A service-role subscriber (private topics need an authorised role) sees the message.
    const listener = new RealtimeClient(`${t.stack.url}/realtime/v1`, {
      params: { apikey: t.stack.secretKey },
      transport: WebSocket as never,
    });
    const received = new Promise<unknown>((resolve) => {
      listener
        .channel('site:1', { config: { private: true } })
        .on('broadcast', { event: 'live' }, (message) => resolve(message.payload));
    });
    await subscribed(listener.getChannels()[0]!);
    const response = await fetch(`${t.stack.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: {
        apikey: t.stack.secretKey,
        authorization: `Bearer ${t.stack.secretKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        messages: [{ topic: 'site:1', event: 'live', payload: { visitors: 3 }, private: true }],
      }),
    });
    expect(response.status).toBe(202);
    expect(await received).toEqual({ visitors: 3 });
    await listener.disconnect();
  });
});
