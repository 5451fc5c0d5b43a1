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

/** One entry of the live event feed. */
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
}

export interface LiveMessage {
  site: string;
  /** Increases by one per message from the same object; a gap means a message was missed. */
  seq: number;
  /** Send time, ms since the epoch. */
  at: number;
  /** Exact count of current visitors. */
  visitorsNow: number;
  /** `full`: `visitors` is the whole current set (replace); otherwise upserts plus `left`. */
  full: boolean;
  visitors: LiveVisitor[];
  /** Ids of visitors who left since the previous message. */
  left: string[];
  /** Events accepted since the previous message, newest last. */
  events: LiveFeedEvent[];
}
