/** What the Supabase recorder (test/node/supabase-recorder.ts) holds; shared with the workerd tests. */

export interface RecorderSite {
  id: string;
  name: string;
  domains: string[];
  public_live: boolean;
  timezone: string;
  store_raw: boolean;
  respect_privacy_signals?: boolean;
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
  }
}
