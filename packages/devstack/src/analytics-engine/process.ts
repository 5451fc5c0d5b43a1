/**
 * Entry of the engine process the devstack forks (start.ts): opens the engine on
 * SIGHTLINE_AE_DIR, serves it on a free port and reports `{ ready: port }` over IPC. It exits
 * when told to (SIGTERM/SIGINT) or when the devstack that forked it goes away.
 */
import { LocalAnalyticsEngine } from './engine.js';
import { serveAnalyticsEngine } from './http.js';

async function main(): Promise<void> {
  const dir = process.env.SIGHTLINE_AE_DIR;
  const accountId = process.env.SIGHTLINE_AE_ACCOUNT_ID;
  const apiToken = process.env.SIGHTLINE_AE_API_TOKEN;
  if (!dir || !accountId || !apiToken)
    throw new Error('SIGHTLINE_AE_DIR, _ACCOUNT_ID and _API_TOKEN are required');
  const engine = await LocalAnalyticsEngine.open(dir);
  const server = await serveAnalyticsEngine({ engine, accountId, apiToken }, 0);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close(() => {
      engine.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The devstack died without stopping us: do not outlive it.
  process.on('disconnect', stop);
  const address = server.address();
  process.send?.({ ready: typeof address === 'object' && address ? address.port : 0 });
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
