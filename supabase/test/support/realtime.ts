// Realtime as a dashboard uses it (realtime-js over `ws`), recording what a channel goes
// through: its subscribe statuses, the broadcasts and row changes it receives, and the system
// messages Realtime sends before it closes a channel.
import {
  REALTIME_SUBSCRIBE_STATES,
  RealtimeClient,
  type RealtimeChannel,
} from '@supabase/realtime-js';
import type { Devstack } from '@sightline/devstack';
import WebSocket from 'ws';

export interface Watched {
  client: RealtimeClient;
  channel: RealtimeChannel;
  /** The first status the join ended in: SUBSCRIBED, CHANNEL_ERROR, TIMED_OUT or CLOSED. */
  status: string;
  /** Every status, in order (a server-side close adds CLOSED). */
  statuses: string[];
  broadcasts: { event: string; payload: unknown }[];
  changes: { eventType: string; new: Record<string, unknown> }[];
  system: { status?: string; message?: string }[];
  stop(): Promise<void>;
}

export interface WatchOptions {
  private?: boolean;
  /** A postgres_changes binding on public.visitors with this filter (`''`: none). */
  visitors?: string;
}

/** Joins `topic` with `token` and resolves once the join has succeeded or failed. */
export async function watch(
  stack: Devstack,
  token: string,
  topic: string,
  options: WatchOptions = { private: true },
): Promise<Watched> {
  const client = new RealtimeClient(`${stack.url}/realtime/v1`, {
    params: { apikey: stack.publishableKey },
    // Node 20 has no global WebSocket.
    transport: WebSocket as never,
    timeout: 5_000,
  });
  await client.setAuth(token);
  const statuses: string[] = [];
  const broadcasts: Watched['broadcasts'] = [];
  const changes: Watched['changes'] = [];
  const system: Watched['system'] = [];
  let channel = client
    .channel(topic, { config: { private: options.private ?? true } })
    .on('broadcast', { event: '*' }, (message: { event: string; payload: unknown }) =>
      broadcasts.push({ event: message.event, payload: message.payload }),
    )
    .on('system', {}, (message: { status?: string; message?: string }) => system.push(message));
  if (options.visitors !== undefined) {
    channel = channel.on(
      'postgres_changes' as never,
      {
        event: '*',
        schema: 'public',
        table: 'visitors',
        ...(options.visitors ? { filter: options.visitors } : {}),
      } as never,
      ((change: Watched['changes'][number]) => changes.push(change)) as never,
    );
  }
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
    changes,
    system,
    async stop() {
      await client.removeAllChannels();
      await client.disconnect();
    },
  };
}

export const SUBSCRIBED = REALTIME_SUBSCRIBE_STATES.SUBSCRIBED;

/** What the SiteLive Durable Object sends: a private broadcast over REST with the secret key. */
export async function broadcast(
  stack: Devstack,
  topic: string,
  event: string,
  payload: unknown,
): Promise<void> {
  const res = await fetch(`${stack.url}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: {
      apikey: stack.secretKey,
      authorization: `Bearer ${stack.secretKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ messages: [{ topic, event, payload, private: true }] }),
  });
  if (res.status !== 202) throw new Error(`broadcast answered ${res.status}`);
}

/** Polls `condition` until it holds (a condition, not a fixed sleep); fails after `ms`. */
export async function until(what: string, condition: () => boolean, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
