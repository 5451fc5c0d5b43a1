// The demo website for `pnpm dev` and the end-to-end test: a small single-page shop that loads
// the tracker from the ingest Worker with one script tag, served on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./demo-site/', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.pdf': 'application/pdf',
};

/**
 * Serve the demo site; every path without an extension gets the app shell (SPA routing).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveDemoSite({ ingestUrl, site, port = 0 }) {
  const shell = (await readFile(join(dir, 'index.html'), 'utf8'))
    .replaceAll('{{INGEST_URL}}', ingestUrl)
    .replaceAll('{{SITE}}', site);
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const ext = extname(path);
    if (!ext) {
      res.writeHead(path.startsWith('/missing') ? 404 : 200, { 'content-type': types['.html'] });
      res.end(shell);
      return;
    }
    try {
      const body = await readFile(join(dir, path.replace(/^\/+/, '').replaceAll('..', '')));
      res.writeHead(200, { 'content-type': types[ext] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** For `pnpm dev`: serve and return the URL; the server lives as long as the process. */
export async function startDemoSite(options) {
  return (await serveDemoSite(options)).url;
}
