/**
 * Starts the real devstack (embedded Postgres, PostgREST, Realtime, with the repository's
 * migrations) and a fault proxy in front of it, and hands their addresses to the workerd tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevstack } from '@sightline/devstack';
import type { TestProject } from 'vitest/node';
import { startFaultProxy } from './fault-proxy.js';
import { startWebhookReceiver } from './webhook-receiver.js';
import '../support/e2e-context.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-ingest-e2e-'));
  const migrationsDir = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));
  const stack = await startDevstack({ dataDir, migrationsDir });
  const proxy = await startFaultProxy(stack.url);
  const webhooks = await startWebhookReceiver();
  project.provide('webhookUrl', webhooks.url);
  project.provide('stackUrl', stack.url);
  project.provide('proxyUrl', proxy.url);
  project.provide('secretKey', stack.secretKey);
  project.provide('publishableKey', stack.publishableKey);
  project.provide('signingKey', JSON.stringify(stack.signingKey));
  project.provide('emailApiUrl', stack.emailApiUrl);
  project.provide('emailApiKey', stack.emailApiKey);
  const engine = stack.analyticsEngine;
  if (!engine.available) throw new Error(`the local Analytics Engine is needed: ${engine.reason}`);
  // Read by the devstack's Miniflare plugin behind EVENTS_AE (wrangler.jsonc) when the pool
  // starts Miniflare in this process: the Worker's data points go to this stack.
  process.env.SIGHTLINE_AE_URL = stack.url;
  process.env.SIGHTLINE_AE_API_TOKEN = engine.apiToken;
  project.provide('analyticsEngineSqlUrl', engine.sqlUrl);
  project.provide('analyticsEngineApiToken', engine.apiToken);
  return async () => {
    await proxy.close();
    await webhooks.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
