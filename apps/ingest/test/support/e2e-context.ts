/** Values the end-to-end setup (test/node/e2e-setup.ts) provides to the workerd tests. */
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The devstack's gateway (what tests read the database through). */
    stackUrl: string;
    /** The fault proxy in front of it (what the Worker talks to). */
    proxyUrl: string;
    serviceRoleKey: string;
    /** The devstack's legacy JWT secret (HS256): signs dashboard tokens as `sightline token` does. */
    jwtSecret: string;
    /** The devstack's local Analytics Engine: Cloudflare's SQL API endpoint and its token. */
    analyticsEngineSqlUrl: string;
    analyticsEngineApiToken: string;
  }
}
