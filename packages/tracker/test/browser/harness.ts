/**
 * Browser test harness: one Chromium per test file (Debian's, driven by playwright-core), and a
 * node http server on 127.0.0.1 that serves the built tracker, test pages under a strict CSP and
 * a capture endpoint answering 202 like the ingest Worker. Every captured batch is checked with
 * the schema's `parseBatch`, which expands the tracker's compact v2 batches into v1 events: the
 * scenarios assert those, exactly as the Worker sees them, and the raw body where the wire matters.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseBatch, type Batch, type Event as WireEvent } from '@sightline/schema';
import { CHROMIUM_ARGS, chromiumPath } from '@sightline/chromium';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Debian's Chromium and the flags that work here (one shared launcher for every browser test). */
export { CHROMIUM_ARGS };
export const CHROMIUM = chromiumPath();

/** No inline script, no eval, no inline style: the tracker must run under this. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

export interface Captured {
  /** The batch as `parseBatch` returns it (v1, expanded from the v2 that was sent). */
  batch: Batch;
  /** The body as sent, JSON-parsed. */
  raw: unknown;
  /** The body's size in bytes. */
  bytes: number;
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
  /** Milliseconds since the harness started. */
  at: number;
}

export interface PageOptions {
  /** data-* attributes of the script tag (without the `data-` prefix); `true` = bare attribute. */
  attrs?: Record<string, string | true>;
  title?: string;
  /** `tall` (4000 px) or `short` body. */
  body?: 'tall' | 'short';
  /** Load /pages/stub.js first: it defines the `window.sightline` queue and queues calls. */
  stub?: boolean;
}

export interface Harness {
  origin: string;
  /** Undefined when started with `{ launch: false }`. */
  browser: Browser;
  /** Valid batches, in arrival order. */
  captured: Captured[];
  /** Bodies that failed `parseBatch` (a test asserts this stays empty). */
  invalid: unknown[];
  /** Events of one site, in arrival order. */
  events(site: string): WireEvent[];
  /** Wait until `check` returns true for the site's events (polls every 20 ms). */
  waitFor(
    site: string,
    check: (events: WireEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<WireEvent[]>;
  /** Register a page (by pathname; scenarios use unique paths) whose HTML loads /s.js with these attributes, and return its URL. */
  pageUrl(path: string, options?: PageOptions): string;
  /** A fresh context and page that fails the test on console errors (CSP violations included). */
  open(
    context?: BrowserContext,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

const pages = new Map<string, PageOptions>();

function html(options: PageOptions): string {
  const attrs = Object.entries(options.attrs ?? {})
    .map(([k, v]) => (v === true ? ` data-${k}` : ` data-${k}="${v}"`))
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${options.title ?? 'Test page'}</title>
<link rel="stylesheet" href="/page.css">
${options.stub ? '<script src="/pages/stub.js"></script>' : ''}
<script src="/s.js"${attrs}></script>
</head><body>
<a id="out" href="https://example.com/pricing?x=1">outbound</a>
<a id="pdf" href="/files/report.pdf">pdf</a>
<a id="dl" href="/export" download>download attribute</a>
<a id="internal" href="/p/internal">internal</a>
<button id="button">button</button>
<div class="${options.body ?? 'tall'}"></div>
</body></html>`;
}

const ESM_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ESM</title>
<script type="module" src="/pages/esm-entry.js"></script></head><body><div class="short"></div></body></html>`;

export async function startHarness({ launch = true } = {}): Promise<Harness> {
  const started = Date.now();
  const captured: Captured[] = [];
  const invalid: unknown[] = [];
  const files: Record<string, [string, string]> = {
    '/s.js': [root('dist/sightline.js'), 'text/javascript'],
    '/index.js': [root('dist/index.js'), 'text/javascript'],
    '/pages/esm-entry.js': [root('test/pages/esm-entry.js'), 'text/javascript'],
    '/pages/stub.js': [root('test/pages/stub.js'), 'text/javascript'],
    '/page.css': [root('test/pages/page.css'), 'text/css'],
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/events') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const { data, error } = parseBatch(body);
        if (data) {
          captured.push({
            batch: data,
            raw: JSON.parse(body) as unknown,
            bytes: Buffer.byteLength(body),
            contentType: req.headers['content-type'],
            headers: req.headers,
            at: Date.now() - started,
          });
        } else invalid.push({ body, error });
        res.writeHead(202).end();
      });
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = files[url.pathname];
    if (file) {
      readFile(file[0]).then(
        (content) => res.writeHead(200, { 'content-type': file[1] }).end(content),
        () => res.writeHead(404).end(),
      );
      return;
    }
    const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP };
    if (url.pathname.startsWith('/esm/')) {
      res.writeHead(200, headers).end(ESM_HTML);
      return;
    }
    const options = pages.get(url.pathname);
    if (!options) {
      res.writeHead(404, headers).end('<!doctype html><title>404</title>');
      return;
    }
    res.writeHead(200, headers).end(html(options));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = launch
    ? await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        // Playwright turns the back/forward cache off by default; scenario 04 needs it.
        ignoreDefaultArgs: ['--disable-back-forward-cache'],
      })
    : (undefined as unknown as Browser);

  const events = (site: string) =>
    captured.filter((c) => c.batch.site === site).flatMap((c) => c.batch.events);

  return {
    origin,
    browser,
    captured,
    invalid,
    events,
    async waitFor(site, check, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = events(site);
        if (check(list)) return list;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for events of ${site}: ${list.length} so far, ${JSON.stringify(list.map((e) => [e.type, e.url])).slice(0, 2_000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    pageUrl(path, options = {}) {
      pages.set(new URL(path, origin).pathname, options);
      return origin + path;
    },
    async open(context) {
      const ctx = context ?? (await browser.newContext());
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      return { context: ctx, page, errors };
    },
    async close() {
      await browser?.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Headless Chromium keeps every page visible (bringToFront and window minimising change
 * nothing), so hiding is simulated: visibilityState/hidden are overridden and the real
 * `visibilitychange` event is dispatched. The only mocked piece of the browser suite.
 */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/**
 * How the page sent each batch, from the DevTools protocol: `Ping` for sendBeacon, `Fetch` for
 * fetch (Playwright's request events do not report beacons).
 */
export async function watchSends(page: Page): Promise<string[]> {
  const kinds: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.endsWith('/v1/events')) kinds.push(e.type ?? 'unknown');
  });
  await cdp.send('Network.enable');
  return kinds;
}

/** Attributes every scenario needs: the site, and permission to run on 127.0.0.1 under WebDriver. */
export const base = (site: string, extra: Record<string, string | true> = {}) => ({
  site,
  'allow-localhost': true as const,
  'allow-automated': true as const,
  'flush-ms': '50',
  ...extra,
});
