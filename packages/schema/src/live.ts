/**
 * Live messages the SiteLive Durable Object broadcasts on the Realtime topic `site:<id>` (event
 * `live`), which the dashboard renders without polling.
 */

/** Realtime topic for a site's live layer. */
export const liveTopic = (siteId: string): string => `site:${siteId}`;

/** Broadcast event name on that topic. */
export const LIVE_EVENT = 'live';

/** A visitor on the site now (seen within the live window, not closed). */
export interface LiveVisitor {
  /** Visitor id (random, cookieless). */
  id: string;
  path: string;
  country: string;
  region: string;
  city: string;
  latitude: number | null;
  longitude: number | null;
  device: string;
  browser: string;
  os: string;
  referrerClass: string;
  /** Engaged time this session, ms. */
  engagedMs: number;
  pageviews: number;
  /** Value score 0..100. */
  score: number;
  /** Last event, ms since the epoch. */
  lastSeen: number;
}

/**
 * One entry of the live event feed: what a person watching cares about — page views, custom
 * events (goals among them), outbound clicks and downloads; never heartbeats or vitals.
 */
export interface LiveFeedEvent {
  id: string;
  type: string;
  visitor: string;
  path: string;
  /** Custom event name or outbound/download target; '' otherwise. */
  name: string;
  country: string;
  city: string;
  at: number;
  /** The names of the site's goals this event completes; absent when none. */
  goals?: string[];
  /** A custom event's revenue. */
  revenue?: { amount: number; currency: string };
}

/** The event types the live feed shows. */
export const LIVE_FEED_TYPES: readonly string[] = ['pageview', 'custom', 'outbound', 'download'];

/**
 * The live shard of a visitor when a hot site's live layer is split over `shards` objects
 * (FNV-1a 32-bit hash of the visitor id, mod `shards`). A visitor, its sessions and events all
 * live on one shard, so a dashboard can tell which visitors a shard's `full` message covers.
 * `shards` below 2 (or not an integer) means one shard: always 0.
 *
 * @example
 * liveShard('vis_abc', 4); // 0..3, the same on every call
 */
export function liveShard(visitor: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 2) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < visitor.length; i++) {
    hash ^= visitor.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * One broadcast of one SiteLive object. A hot site may be split into `shards` objects (by
 * visitor, see `liveShard`), all broadcasting on the site's topic: then `seq`, `visitorsNow`,
 * `full`, `visitors` and `left` are per shard, and a dashboard keeps state per shard and sums
 * `visitorsNow` across shards. Without `shard`, a message is shard 0 of 1 (an unsharded site).
 */
export interface LiveMessage {
  site: string;
  /** The sending shard, 0..shards-1; absent on an unsharded site (shard 0). */
  shard?: number;
  /** How many shards the site's live layer has; absent means 1. */
  shards?: number;
  /** Increases by one per message from the same object; a gap means a message was missed. */
  seq: number;
  /** Send time, ms since the epoch. */
  at: number;
  /** Exact count of current visitors (of this shard). */
  visitorsNow: number;
  /** `full`: `visitors` is the whole current set (replace); otherwise upserts plus `left`. */
  full: boolean;
  /**
   * Set on a `full` message whose `visitors` are only the most recently seen ones that fit one
   * Realtime broadcast (Supabase's free plan refuses payloads over 256 KB); `visitorsNow` stays
   * exact and the others reappear in deltas when they are next seen.
   */
  truncated?: boolean;
  visitors: LiveVisitor[];
  /**
   * On `full` messages of an object whose flushes the database refused in part for their
   * content: the events and entries it holds back in its dead-letter store, all time (the
   * Worker's `GET /v1/health/sites/:id` tells the reasons). Absent when there are none.
   */
  deadLettered?: { events: number; entries: number };
  /** Ids of visitors who left since the previous message. */
  left: string[];
  /** Events accepted since the previous message, newest last. */
  events: LiveFeedEvent[];
}
