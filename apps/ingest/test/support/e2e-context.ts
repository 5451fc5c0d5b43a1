/** Values the end-to-end setup (test/node/e2e-setup.ts) provides to the workerd tests. */

/**
 * The header with which a test's own calls to the devstack skip the fault proxy
 * (test/node/vitest-shared.ts, throughFaultProxy): the tests run in the Worker's workerd
 * isolate, so its outbound service sees their fetches too.
 */
export const DIRECT_HEADER = 'x-sightline-test-direct';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The devstack's gateway: the Worker's SUPABASE_URL, and what tests read the database through. */
    stackUrl: string;
    /** The fault proxy in front of it (the Worker's Supabase requests go through it). */
    proxyUrl: string;
    /** The devstack's secret key (sb_secret_…): the Worker's SUPABASE_SECRET_KEY. */
    secretKey: string;
    publishableKey: string;
    /** The devstack's private signing JWK (JSON): the Worker's SIGHTLINE_SIGNING_KEY. */
    signingKey: string;
    /** The devstack's Resend-compatible e-mail API (into its inbox) and its key. */
    emailApiUrl: string;
    emailApiKey: string;
    /** A local webhook receiver (test/node/webhook-receiver.ts). */
    webhookUrl: string;
    /** The devstack's local Analytics Engine: Cloudflare's SQL API endpoint and its token. */
    analyticsEngineSqlUrl: string;
    analyticsEngineApiToken: string;
  }
}
