import type { BinaryBroadcast } from './protocol.js';
import type { Member } from './member.js';
import { PresenceRegistry } from './presence.js';

/** Every joined channel by topic, the presence registry, and broadcast fan-out. */
export class Hub {
  readonly presence = new PresenceRegistry();
  private readonly topics = new Map<string, Set<Member>>();
  private readonly withChanges = new Set<Member>();

  add(member: Member): void {
    let members = this.topics.get(member.topic);
    if (!members) this.topics.set(member.topic, (members = new Set()));
    members.add(member);
    if (member.bindings.length > 0) this.withChanges.add(member);
  }

  /** Removes a member, untracking its presence; returns false if it was not there. */
  remove(member: Member): boolean {
    const members = this.topics.get(member.topic);
    if (!members?.delete(member)) return false;
    if (members.size === 0) this.topics.delete(member.topic);
    this.withChanges.delete(member);
    if (member.expiryTimer) clearTimeout(member.expiryTimer);
    const diff = this.presence.untrack(member);
    if (Object.keys(diff.leaves).length > 0) this.sendPresenceDiff(member.topic, diff);
    return true;
  }

  /** Members with postgres_changes bindings, for the change feed. */
  changeSubscribers(): Iterable<Member> {
    return this.withChanges;
  }

  sendPresenceDiff(topic: string, diff: unknown): void {
    for (const member of this.topics.get(topic) ?? []) {
      if (!member.presenceEnabled) continue;
      member.outbox.send({
        joinRef: member.joinRef,
        ref: null,
        topic,
        event: 'presence_diff',
        payload: diff,
      });
    }
  }

  /** Delivers a user broadcast to the topic's members of the same privacy, skipping `except`. */
  broadcast(
    topic: string,
    isPrivate: boolean,
    event: string,
    payload: BinaryBroadcast['payload'],
    except?: Member,
    meta?: Record<string, unknown>,
  ): number {
    let delivered = 0;
    for (const member of this.topics.get(topic) ?? []) {
      if (member === except || member.private !== isPrivate) continue;
      member.outbox.sendBroadcast(topic, event, payload, meta);
      delivered++;
    }
    return delivered;
  }

  /** Every member, for shutdown. */
  all(): Member[] {
    return [...this.topics.values()].flatMap((members) => [...members]);
  }
}
