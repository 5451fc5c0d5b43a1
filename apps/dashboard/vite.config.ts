import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * `pnpm dev` serves `/config.json` so the dashboard opens signed in to the local stack: the root
 * dev script writes `.sightline/dashboard-config.json` (or passes SIGHTLINE_DASHBOARD_CONFIG).
 * A built dashboard reads the same file from its own origin, so it can be pointed at a stack
 * without rebuilding.
 */
function devConfigJson(): Plugin {
  const file =
    process.env.SIGHTLINE_DASHBOARD_CONFIG ??
    resolve(import.meta.dirname, '../../.sightline/dashboard-config.json');
  return {
    name: 'sightline-dev-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        // No file means "nothing to add to the Vite env": answer {} rather than a noisy 404.
        readFile(file, 'utf8').then(
          (body) => send(body),
          () => send('{}'),
        );
        function send(body: string): void {
          res.setHeader('content-type', 'application/json');
          res.setHeader('cache-control', 'no-store');
          res.end(body);
        }
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), devConfigJson()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // The map chunks are big by nature and loaded lazily; the first-load budget is checked by
    // test/e2e/bundle-size.test.ts instead of this warning.
    chunkSizeWarningLimit: 2000,
  },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
