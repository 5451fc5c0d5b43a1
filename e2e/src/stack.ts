/**
 * The whole local stack for end-to-end tests: the devstack with migrations and the demo seed,
 * the ingest Worker, the built dashboard (pointed at the stack by /config.json) and the demo
 * website loading the tracker from the Worker. Everything on 127.0.0.1, free ports, one stop().
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDemoSite } from '@sightline/demo-site';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { serveDist } from '@sightline/static-server';
import { signDashboardToken } from '@sightline/database/token';
import pg from 'pg';
import { fromRoot } from './paths.js';
import { startIngestWorker } from './worker.js';

export interface Stack {
  devstack: Devstack;
  ingestUrl: string;
  dashboardUrl: string;
  demoUrl: string;
  site: string;
  /** A service token for the demo site (`pnpm sightline token`), for `#token=` links. */
  token: string;
  db: pg.Client;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'sightline-e2e-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const devstack = await startDevstack({
      dataDir,
      migrationsDir: fromRoot('supabase/migrations'),
    });
    stops.push(() => devstack.stop());

    const db = new pg.Client({ connectionString: devstack.dbUrl });
    await db.connect();
    stops.push(() => db.end());
    await db.query(await readFile(fromRoot('supabase/seed.sql'), 'utf8'));
    const site = 'demo';

    const worker = await startIngestWorker({
      supabaseUrl: devstack.url,
      secretKey: devstack.secretKey,
      publishableKey: devstack.publishableKey,
      signingKey: devstack.signingKey,
    });
    stops.push(() => worker.stop());

    const token = await signDashboardToken({
      siteIds: [site],
      secret: devstack.jwtSecret,
      ttlSeconds: 3_600,
    });

    const dashboard = await serveDist(fromRoot('apps/dashboard/dist'), {
      supabaseUrl: devstack.url,
      publishableKey: devstack.publishableKey,
      ingestUrl: worker.url,
    });
    stops.push(() => dashboard.close());

    const demo = await serveDemoSite({ ingestUrl: worker.url, site });
    stops.push(() => demo.close());

    return {
      devstack,
      ingestUrl: worker.url,
      dashboardUrl: dashboard.url,
      demoUrl: demo.url,
      site,
      token,
      db,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
