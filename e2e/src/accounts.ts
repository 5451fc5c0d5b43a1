/**
 * People and their sessions for the end-to-end tests: users created through the Auth admin API
 * (the secret key) and signed in with auth-js as the dashboard signs them in; PostgREST and
 * Realtime clients as the dashboard makes them; the devstack's inbox read through its JSON API.
 */
import type { Devstack } from '@sightline/devstack';
import { AuthClient } from '@supabase/auth-js';
import { PostgrestClient } from '@supabase/postgrest-js';
import { RealtimeClient, type RealtimeChannel } from '@supabase/realtime-js';
import WebSocket from 'ws';
import { pollUntil } from '@sightline/test-utils';

export interface User {
  id: string;
  email: string;
  password: string;
  /** The session's access token (ES256, an hour). */
  token: string;
  rest: PostgrestClient;
}

export function rest(stack: Devstack, bearer: string): PostgrestClient {
  return new PostgrestClient(`${stack.url}/rest/v1`, {
    headers: { apikey: stack.publishableKey, Authorization: `Bearer ${bearer}` },
  });
}

export function authClient(stack: Devstack): InstanceType<typeof AuthClient> {
  return new AuthClient({
    url: stack.authUrl,
    headers: { apikey: stack.publishableKey },
    persistSession: false,
    autoRefreshToken: false,
  });
}

export async function createUser(stack: Devstack, name: string): Promise<User> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const res = await fetch(`${stack.authUrl}/admin/users`, {
    method: 'POST',
    headers: {
      apikey: stack.secretKey,
      authorization: `Bearer ${stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  if (!res.ok) throw new Error(`creating ${email}: ${res.status} ${await res.text()}`);
  const { data, error } = await authClient(stack).signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`signing in ${email}: ${error?.message}`);
  const token = data.session.access_token;
  return { id: data.session.user.id, email, password, token, rest: rest(stack, token) };
}

/** Calls an RPC and returns its data, failing on an error. */
export async function call<T>(client: PostgrestClient, fn: string, args: object): Promise<T> {
  const { data, error } = (await client.rpc(fn as never, args as never)) as unknown as {
    data: T;
    error: { message: string } | null;
  };
  if (error) throw new Error(`${fn}: ${error.message}`);
  return data;
}

export interface Watched {
  client: RealtimeClient;
  channel: RealtimeChannel;
  status: string;
  statuses: string[];
  broadcasts: { event: string; payload: unknown }[];
  system: { status?: string; message?: string }[];
  stop(): Promise<void>;
}

/** Joins the private topic with `token`; resolves once the join succeeded or failed. */
export async function watch(stack: Devstack, token: string, topic: string): Promise<Watched> {
  const client = new RealtimeClient(`${stack.url}/realtime/v1`, {
    params: { apikey: stack.publishableKey },
    // Node 20 has no global WebSocket.
    transport: WebSocket as never,
    timeout: 5_000,
  });
  await client.setAuth(token);
  const statuses: string[] = [];
  const broadcasts: Watched['broadcasts'] = [];
  const system: Watched['system'] = [];
  const channel = client
    .channel(topic, { config: { private: true } })
    .on('broadcast', { event: '*' }, (m: { event: string; payload: unknown }) =>
      broadcasts.push({ event: m.event, payload: m.payload }),
    )
    .on('system', {}, (m: { status?: string; message?: string }) => system.push(m));
  const status = await new Promise<string>((resolve) => {
    channel.subscribe((s) => {
      statuses.push(s);
      if (statuses.length === 1) resolve(s);
    });
  });
  return {
    client,
    channel,
    status,
    statuses,
    broadcasts,
    system,
    async stop() {
      await client.removeAllChannels();
      await client.disconnect();
    },
  };
}

export interface Mail {
  seq: number;
  to: string[];
  subject: string;
  text: string | null;
}

/** The next e-mail to `to` after message `after` (the inbox long-polls: no sleep). */
export async function nextMail(stack: Devstack, to: string, after = 0): Promise<Mail> {
  const url = `${stack.inboxUrl}/api/messages?to=${encodeURIComponent(to)}&after=${after}&wait=15000`;
  const { messages } = (await (await fetch(url)).json()) as { messages: Mail[] };
  if (!messages[0]) throw new Error(`no e-mail to ${to} within 15 s`);
  return messages[0];
}

/** The verify link in an e-mail from Auth. */
export function linkOf(mail: Mail): string {
  const link = /(http:\/\/\S+\/auth\/v1\/verify\?\S+)/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error(`no link in "${mail.subject}"`);
  return link;
}

/** Polls until `condition` holds (the shared pollUntil), for a condition rather than a sleep. */
export async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  await pollUntil(condition, { what, timeoutMs: ms, intervalMs: 25 });
}
