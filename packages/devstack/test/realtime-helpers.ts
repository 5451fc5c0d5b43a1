import { RealtimeClient, type RealtimeChannel } from '@supabase/realtime-js';
import type pg from 'pg';
import WebSocket from 'ws';
import type { Devstack } from '../src/index.js';

export type Vsn = '1.0.0' | '2.0.0';

/** realtime-js as a Node user runs it: `transport: ws` (Node 20 has no global WebSocket). */
export function realtimeClient(stack: Devstack, vsn: Vsn, apikey = stack.anonKey): RealtimeClient {
  return new RealtimeClient(`${stack.url}/realtime/v1`, {
    params: { apikey },
    transport: WebSocket as never,
    vsn,
    timeout: 10_000,
    // Tests restart the server: reconnect fast rather than after realtime-js' 1 s default.
    reconnectAfterMs: () => 100,
  });
}

/** Subscribes and resolves on SUBSCRIBED; rejects on CHANNEL_ERROR, TIMED_OUT or CLOSED. */
export function subscribed(channel: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    channel.subscribe((status, error) => {
      if (settled) return;
      settled = true;
      if (String(status) === 'SUBSCRIBED') resolve();
      else reject(new Error(`${status}: ${error?.message ?? ''}`));
    });
  });
}

/** Collects values and lets a test await the first that matches. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(item)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(item);
      }
    }
  };

  next(match: (item: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    const found = this.items.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`nothing matched within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      });
    });
  }
}

let sentinels = 0;

/**
 * Waits for a sentinel on each client's socket: every client joins a fresh public topic, then
 * Postgres broadcasts to it (`realtime.send`), which Realtime handles in commit order with the
 * row changes, and each socket sends in order. Once it has arrived everywhere, every change
 * committed before the call has been delivered to, or withheld from, these sockets: a change
 * that must not reach one of their channels would have arrived first.
 */
export async function sentinel(db: pg.Client, ...clients: RealtimeClient[]): Promise<void> {
  const topic = `sentinel-${++sentinels}`;
  const joined = await Promise.all(
    clients.map(async (client) => {
      const inbox = new Inbox<unknown>();
      const channel = client.channel(topic).on('broadcast', { event: 'sentinel' }, inbox.push);
      await subscribed(channel);
      return { client, channel, inbox };
    }),
  );
  await db.query(`select realtime.send('{}'::jsonb, 'sentinel', $1, false)`, [topic]);
  for (const { client, channel, inbox } of joined) {
    await inbox.next();
    await client.removeChannel(channel);
  }
}
