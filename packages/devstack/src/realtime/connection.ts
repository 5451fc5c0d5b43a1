import type { WebSocket } from 'ws';
import { RealtimeTokenError, verifyRealtimeToken, type VerifiedToken } from './auth.js';
import { parseBindings } from './bindings.js';
import { FilterError } from './filters.js';
import type { Hub } from './hub.js';
import { subTopic, type Member, type Outbox } from './member.js';
import { presenceKeyFor } from './presence.js';
import {
  decodeBinary,
  decodeText,
  encodeBinaryBroadcast,
  encodeText,
  ProtocolError,
  type BinaryBroadcast,
  type Message,
  type Vsn,
} from './protocol.js';
import type { TableCatalog } from './tables.js';
import type { TokenKeys } from '../tokens.js';

export interface ConnectionContext {
  hub: Hub;
  catalog: TableCatalog;
  keys: TokenKeys;
  nextId: () => number;
  /** Hosted Realtime's private-channel check: RLS on realtime.messages under the claims. */
  canReadTopic: (claims: Record<string, unknown>, topic: string) => Promise<boolean>;
  log: (line: string) => void;
}

type Reply = { status: 'ok' | 'error'; response: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class JoinError extends Error {}

/** One websocket: decodes frames, keeps its joined channels and answers as Realtime does. */
export class Connection implements Outbox {
  private readonly channels = new Map<string, Member>();
  /** Frames are handled one at a time, in order, although joins await the database. */
  private queue = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    private readonly vsn: Vsn,
    private readonly apiKey: string,
    private readonly ctx: ConnectionContext,
  ) {
    ws.on('message', (data, isBinary) => {
      const frame = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      this.queue = this.queue
        .then(() => this.onFrame(frame, isBinary))
        .catch((error: unknown) => this.fail(error));
    });
    ws.on('close', () => this.leaveAll());
    ws.on('error', (error) => ctx.log(`realtime: socket error: ${error.message}`));
  }

  send(message: Message): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeText(message, this.vsn));
  }

  sendBroadcast(
    topic: string,
    event: string,
    payload: BinaryBroadcast['payload'],
    meta?: Record<string, unknown>,
  ): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // The binary frame holds topic, event and metadata in at most 255 bytes each; past that
    // (or under vsn 1.0.0, which has no binary frames) JSON payloads go as text and raw bytes
    // cannot be carried.
    const fitsBinary =
      Buffer.byteLength(topic) <= 255 &&
      Buffer.byteLength(event) <= 255 &&
      (!meta || Buffer.byteLength(JSON.stringify(meta)) <= 255);
    if (this.vsn === '2.0.0' && fitsBinary) {
      this.ws.send(encodeBinaryBroadcast(topic, event, payload, meta));
    } else if ('json' in payload) {
      const member = this.channels.get(topic);
      this.send({
        joinRef: member?.joinRef ?? null,
        ref: null,
        topic,
        event: 'broadcast',
        payload: { type: 'broadcast', event, payload: payload.json },
      });
    }
  }

  /** Closes every channel (server shutdown). */
  leaveAll(): void {
    for (const member of this.channels.values()) this.ctx.hub.remove(member);
    this.channels.clear();
  }

  private fail(error: unknown): void {
    // A frame we cannot parse: close this socket cleanly (1007: invalid payload); others carry on.
    this.ctx.log(
      `realtime: closing a connection: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (this.ws.readyState === this.ws.OPEN)
      this.ws.close(error instanceof ProtocolError ? 1007 : 1011, 'bad frame');
  }

  private reply(message: Message, reply: Reply): void {
    this.send({
      joinRef: message.joinRef,
      ref: message.ref,
      topic: message.topic,
      event: 'phx_reply',
      payload: reply,
    });
  }

  private async onFrame(frame: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
      if (this.vsn !== '2.0.0') throw new ProtocolError('binary frames need vsn 2.0.0');
      const push = decodeBinary(frame);
      this.handleBroadcast(
        {
          joinRef: push.joinRef,
          ref: push.ref,
          topic: push.topic,
          event: 'broadcast',
          payload: undefined,
        },
        push.event,
        push.payload,
        push.meta,
      );
      return;
    }
    const message = decodeText(frame.toString('utf8'), this.vsn);
    if (message.topic === 'phoenix' && message.event === 'heartbeat') {
      this.reply(message, { status: 'ok', response: {} });
      return;
    }
    switch (message.event) {
      case 'phx_join':
        return this.join(message);
      case 'phx_leave':
        return this.leave(message);
      case 'access_token':
        return this.refreshToken(message);
      case 'broadcast': {
        const payload = isObject(message.payload) ? message.payload : {};
        if (typeof payload.event !== 'string')
          return this.reply(message, {
            status: 'error',
            response: { reason: 'broadcast needs an event' },
          });
        return this.handleBroadcast(message, payload.event, { json: payload.payload ?? null });
      }
      case 'presence':
        return this.handlePresence(message);
      default:
        return this.reply(message, {
          status: 'error',
          response: { reason: `unknown event: ${message.event}` },
        });
    }
  }

  private joined(message: Message): Member | undefined {
    const member = this.channels.get(message.topic);
    if (!member) this.reply(message, { status: 'error', response: { reason: 'unmatched topic' } });
    return member;
  }

  private async join(message: Message): Promise<void> {
    const previous = this.channels.get(message.topic);
    if (previous) {
      // Phoenix semantics: a second join of the same topic replaces the first.
      this.ctx.hub.remove(previous);
      this.channels.delete(message.topic);
    }
    const payload = isObject(message.payload) ? message.payload : {};
    const config = isObject(payload.config) ? payload.config : {};
    let member: Member;
    try {
      const accessToken = payload.access_token ?? this.apiKey;
      const token = await verifyRealtimeToken(this.ctx.keys, accessToken);
      const isPrivate = config.private === true;
      if (isPrivate && !(await this.ctx.canReadTopic(token.claims, subTopic(message.topic)))) {
        throw new JoinError(
          `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic(message.topic)}`,
        );
      }
      const broadcast = isObject(config.broadcast) ? config.broadcast : {};
      const presence = isObject(config.presence) ? config.presence : {};
      member = {
        id: this.ctx.nextId(),
        outbox: this,
        topic: message.topic,
        joinRef: message.joinRef ?? message.ref,
        private: isPrivate,
        broadcastSelf: broadcast.self === true,
        broadcastAck: broadcast.ack === true,
        presenceEnabled: presence.enabled === true,
        presenceKey: presenceKeyFor(presence.key),
        bindings: await parseBindings(config.postgres_changes, this.ctx.catalog, this.ctx.nextId),
        token,
        accessToken,
        expiryTimer: undefined,
      };
    } catch (error) {
      if (
        error instanceof RealtimeTokenError ||
        error instanceof FilterError ||
        error instanceof JoinError
      ) {
        return this.reply(message, { status: 'error', response: { reason: error.message } });
      }
      throw error;
    }
    this.channels.set(message.topic, member);
    this.ctx.hub.add(member);
    this.armExpiry(member);
    const response =
      member.bindings.length > 0
        ? {
            postgres_changes: (config.postgres_changes as Record<string, unknown>[]).map(
              (raw, index) => ({ ...raw, id: member.bindings[index]!.id }),
            ),
          }
        : {};
    this.reply(message, { status: 'ok', response });
    if (member.presenceEnabled) {
      this.send({
        joinRef: member.joinRef,
        ref: null,
        topic: member.topic,
        event: 'presence_state',
        payload: this.ctx.hub.presence.state(member.topic),
      });
    }
    if (member.bindings.length > 0) {
      this.system(member, {
        extension: 'postgres_changes',
        status: 'ok',
        message: 'Subscribed to PostgreSQL',
      });
    }
  }

  private system(member: Member, body: Record<string, unknown>): void {
    this.send({
      joinRef: member.joinRef,
      ref: null,
      topic: member.topic,
      event: 'system',
      payload: { ...body, channel: subTopic(member.topic) },
    });
  }

  private armExpiry(member: Member): void {
    if (member.expiryTimer) clearTimeout(member.expiryTimer);
    member.expiryTimer = undefined;
    if (member.token.exp === undefined) return;
    // setTimeout overflows past 2^31-1 ms; long-lived keys simply never expire here.
    const delay = member.token.exp * 1000 - Date.now();
    if (delay > 2 ** 31 - 1) return;
    member.expiryTimer = setTimeout(
      () => this.closeChannel(member, 'Token has expired'),
      Math.max(0, delay),
    );
  }

  private closeChannel(member: Member, reason: string): void {
    this.system(member, { extension: 'system', status: 'error', message: reason });
    this.send({
      joinRef: member.joinRef,
      ref: null,
      topic: member.topic,
      event: 'phx_close',
      payload: {},
    });
    this.ctx.hub.remove(member);
    if (this.channels.get(member.topic) === member) this.channels.delete(member.topic);
  }

  private leave(message: Message): void {
    const member = this.channels.get(message.topic);
    if (member) {
      this.ctx.hub.remove(member);
      this.channels.delete(message.topic);
    }
    this.reply(message, { status: 'ok', response: {} });
  }

  /**
   * `access_token` as hosted Realtime handles it: an API key or the token already held changes
   * nothing; a new token is verified and, on a private channel, the topic's policies are
   * evaluated again under its claims, closing the channel when they no longer allow it (hosted
   * Realtime caches a channel's authorisation from the join until such a refresh).
   */
  private async refreshToken(message: Message): Promise<void> {
    const member = this.joined(message);
    if (!member) return;
    const payload = isObject(message.payload) ? message.payload : {};
    const raw = payload.access_token;
    if (raw === null || raw === undefined) return;
    if (raw === member.accessToken || (typeof raw === 'string' && raw.startsWith('sb_'))) return;
    let token: VerifiedToken;
    try {
      token = await verifyRealtimeToken(this.ctx.keys, raw);
    } catch (error) {
      this.closeChannel(member, error instanceof Error ? error.message : 'Invalid token');
      return;
    }
    if (member.private && !(await this.ctx.canReadTopic(token.claims, subTopic(member.topic)))) {
      this.closeChannel(
        member,
        `You no longer have permission to read from this Channel topic: ${subTopic(member.topic)}`,
      );
      return;
    }
    member.token = token;
    member.accessToken = raw;
    this.armExpiry(member);
  }

  private handleBroadcast(
    message: Message,
    event: string,
    payload: BinaryBroadcast['payload'],
    meta?: Record<string, unknown>,
  ): void {
    const member = this.joined(message);
    if (!member) return;
    this.ctx.hub.broadcast(
      member.topic,
      member.private,
      event,
      payload,
      member.broadcastSelf ? undefined : member,
      meta,
    );
    if (member.broadcastAck && message.ref) this.reply(message, { status: 'ok', response: {} });
  }

  private handlePresence(message: Message): void {
    const member = this.joined(message);
    if (!member) return;
    const payload = isObject(message.payload) ? message.payload : {};
    const hub = this.ctx.hub;
    if (payload.event === 'track') {
      hub.sendPresenceDiff(member.topic, hub.presence.track(member, payload.payload));
    } else if (payload.event === 'untrack') {
      const diff = hub.presence.untrack(member);
      if (Object.keys(diff.leaves).length > 0) hub.sendPresenceDiff(member.topic, diff);
    } else {
      return this.reply(message, {
        status: 'error',
        response: { reason: 'presence event must be track or untrack' },
      });
    }
    this.reply(message, { status: 'ok', response: {} });
  }
}
