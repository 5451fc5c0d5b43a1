/** What the Supabase recorder (test/node/supabase-recorder.ts) holds; shared with the workerd tests. */

export interface RecorderSite {
  id: string;
  name: string;
  domains: string[];
  public_live: boolean;
  timezone: string;
  store_raw: boolean;
  respect_privacy_signals?: boolean;
  allowed_query_params?: string[];
  /** Embedded as PostgREST embeds them (`select=*,goals(...),content_groups(...)`). */
  goals?: {
    id: number;
    name: string;
    event_name: string | null;
    page_path: string | null;
    prop_key: string | null;
    prop_value: string | null;
  }[];
  content_groups?: { content_group: string; path_pattern: string }[];
}

export interface RecordedBatch {
  batch_id: string;
  site: string;
  /** Sent in the compact wire form (toIngestWire); recorded in the object form either way. */
  wire: boolean;
  events: { id: string; site_id: string; type: string; country: string }[];
  sessions: Record<string, unknown>[];
  visitors: Record<string, unknown>[];
  duplicate: boolean;
}

export interface RecorderState {
  rpcCalls: number;
  rpcFailures: number;
  /** Events of batches applied for the first time. */
  eventsReceived: number;
  batches: RecordedBatch[];
  broadcasts: { topic: string; event: string; payload: Record<string, unknown> }[];
  siteLookups: number;
  failRpc: string[];
  failRealtime: string[];
  /** Site ids whose `sites` lookup answers 503 (Postgres unreachable). */
  failSites: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the Supabase recorder started by test/node/global-setup.ts. */
    recorderUrl: string;
    /** The Worker's SIGHTLINE_SIGNING_KEY in these tests (a private ES256 JWK, JSON). */
    signingKey: string;
  }
}
