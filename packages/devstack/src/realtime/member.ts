import type { VerifiedToken } from './auth.js';
import type { RowFilter } from './filters.js';
import type { BinaryBroadcast, Message } from './protocol.js';

/** One postgres_changes binding of a joined channel, with the id returned in the join reply. */
export interface ChangeBinding {
  id: number;
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  schema: string;
  table: string;
  filter: RowFilter | undefined;
}

/** What a joined channel needs from its connection. */
export interface Outbox {
  send(message: Message): void;
  sendBroadcast(
    topic: string,
    event: string,
    payload: BinaryBroadcast['payload'],
    meta?: Record<string, unknown>,
  ): void;
}

/** A channel joined by one connection: the unit broadcasts, presence and changes fan out to. */
export interface Member {
  id: number;
  outbox: Outbox;
  topic: string;
  joinRef: string | null;
  private: boolean;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceEnabled: boolean;
  presenceKey: string;
  bindings: ChangeBinding[];
  token: VerifiedToken;
  /** The token as the client sent it (a refresh with the same token changes nothing). */
  accessToken: unknown;
  /** Closes the channel when the token expires. */
  expiryTimer: NodeJS.Timeout | undefined;
}

/** `realtime:site:42` → `site:42`, the name the client and REST broadcast use. */
export function subTopic(topic: string): string {
  return topic.replace(/^realtime:/i, '');
}
