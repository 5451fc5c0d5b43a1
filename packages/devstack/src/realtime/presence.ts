import { randomUUID } from 'node:crypto';
import type { Member } from './member.js';

type Meta = Record<string, unknown> & { phx_ref: string };
type PresenceMap = Record<string, { metas: Meta[] }>;

/** Phoenix-style presence per topic: one meta per tracking member, diffs to every member. */
export class PresenceRegistry {
  private readonly tracked = new Map<string, Map<Member, { key: string; meta: Meta }>>();
  private counter = 0;

  /** The `presence_state` payload for a topic. */
  state(topic: string): PresenceMap {
    const state: PresenceMap = {};
    for (const { key, meta } of this.tracked.get(topic)?.values() ?? []) {
      (state[key] ??= { metas: [] }).metas.push(meta);
    }
    return state;
  }

  /** Tracks (or replaces) the member's meta; returns the diff to send to the topic. */
  track(member: Member, payload: unknown): { joins: PresenceMap; leaves: PresenceMap } {
    const leaves = this.untrack(member).leaves;
    const key = member.presenceKey;
    const meta: Meta = {
      ...(typeof payload === 'object' && payload !== null
        ? (payload as Record<string, unknown>)
        : {}),
      phx_ref: `${Date.now().toString(36)}${(this.counter++).toString(36)}`,
    };
    let topicMap = this.tracked.get(member.topic);
    if (!topicMap)
      this.tracked.set(member.topic, (topicMap = new Map<Member, { key: string; meta: Meta }>()));
    topicMap.set(member, { key, meta });
    return { joins: { [key]: { metas: [meta] } }, leaves };
  }

  untrack(member: Member): { joins: PresenceMap; leaves: PresenceMap } {
    const topicMap = this.tracked.get(member.topic);
    const entry = topicMap?.get(member);
    if (!topicMap || !entry) return { joins: {}, leaves: {} };
    topicMap.delete(member);
    if (topicMap.size === 0) this.tracked.delete(member.topic);
    return { joins: {}, leaves: { [entry.key]: { metas: [entry.meta] } } };
  }
}

/** The presence key Realtime uses when the client gives none: a fresh UUID per join. */
export function presenceKeyFor(configured: unknown): string {
  return typeof configured === 'string' && configured !== '' ? configured : randomUUID();
}
