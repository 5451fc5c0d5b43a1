/**
 * Browser test harness: one Chromium per test file (Debian's, driven by playwright-core), and a
 * node http server on 127.0.0.1 that serves the built tracker, test pages under a strict CSP and
 * a capture endpoint answering 202 like the ingest Worker. Every captured batch is checked with
 * the schema's `parseBatch`, which expands the tracker's compact v2 batches into v1 events: the
 * scenarios assert those, exactly as the Worker sees them, and the raw body where the wire matters.
 *
 * The suite runs twice (vitest.config.ts): SIGHTLINE_BUILD=full serves dist/sightline.js as /s.js
 * (and dist/full.js as the ESM build), SIGHTLINE_BUILD=core dist/sightline.core.js (and
 * dist/index.js). A scenario of a feature the core build lacks asserts that it is a no-op there.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBatch, type Batch, type Event as WireEvent } from '@sightline/schema';
import { CHROMIUM_ARGS, chromiumPath } from '@sightline/chromium';
import { pollUntil } from '@sightline/test-utils';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The build under test. */
export const BUILD: 'full' | 'core' = process.env.SIGHTLINE_BUILD === 'core' ? 'core' : 'full';
/** True when the build under test is the full one. */
export const FULL = BUILD === 'full';

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
  /** Scripts (paths on the harness) loaded after the tracker. */
  after?: string[];
  /** Prerender these paths (a `Speculation-Rules` header: no inline script under the CSP). */
  prerender?: string[];
}

/** What a page's probe script (test/pages/*.js) reported through `GET /probe?...`. */
export type Probe = Record<string, string>;

export interface Harness {
  origin: string;
  /** Undefined when started with `{ launch: false }`. */
  browser: Browser;
  /** Paths of every GET request, in arrival order. */
  requested: string[];
  /** Valid batches, in arrival order. */
  captured: Captured[];
  /** Bodies that failed `parseBatch` (a test asserts this stays empty). */
  invalid: unknown[];
  /** Probe reports, in arrival order, each with the `Sec-Purpose` header it came with. */
  probes: Probe[];
  /**
   * Answers for pages polling `GET /control?page=<path>` (test/pages/control.js): set a path's
   * entry to a URL and that page navigates there.
   */
  control: Map<string, string>;
  /** Events of one site, in arrival order (without the sentinels of `settle`). */
  events(site: string): WireEvent[];
  /** Wait until `check` returns true for the site's events. */
  waitFor(
    site: string,
    check: (events: WireEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<WireEvent[]>;
  /**
   * Waits for a sentinel through `page`'s tracker, for a test that must show something was NOT
   * sent: a custom event tracked and flushed now, whose sequence number says how many events
   * this page load emitted before it. Once it and every one of those has arrived, nothing the
   * tracker emitted before the call is still on its way. Resolves with the site's events (the
   * sentinels left out). The tracker must be running and not opted out on `page`.
   */
  settle(page: Page, site: string): Promise<WireEvent[]>;
  /** Register a page (by pathname; scenarios use unique paths) whose HTML loads /s.js with these attributes, and return its URL. */
  pageUrl(path: string, options?: PageOptions): string;
  /** Wait until a probe report matches and return it. */
  probe(match: Probe, timeoutMs?: number): Promise<Probe>;
  /** A fresh context and page that fails the test on console errors (CSP violations included). */
  open(
    context?: BrowserContext,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

const pages = new Map<string, PageOptions>();

/** Custom events named so are `settle`'s sentinels, left out of `events()`. */
const SENTINEL = 'harness:sentinel:';
let sentinels = 0;
/** An event id's page-load part and sequence number (`<page load>-<n>`, as the v2 wire makes it). */
const sequenceOf = (id: string): [string, number] => {
  const at = id.lastIndexOf('-');
  return [id.slice(0, at), Number(id.slice(at + 1))];
};

function html(options: PageOptions): string {
  const attrs = Object.entries(options.attrs ?? {})
    .map(([k, v]) => (v === true ? ` data-${k}` : ` data-${k}="${v}"`))
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${options.title ?? 'Test page'}</title>
<link rel="stylesheet" href="/page.css">
${options.stub ? '<script src="/pages/stub.js"></script>' : ''}
<script src="/s.js"${attrs}></script>
${(options.after ?? []).map((src) => `<script src="${src}"></script>`).join('')}
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
  const probes: Probe[] = [];
  const requested: string[] = [];
  const control = new Map<string, string>();
  const files: Record<string, [string, string]> = {
    '/s.js': [root(FULL ? 'dist/sightline.js' : 'dist/sightline.core.js'), 'text/javascript'],
    '/index.js': [root(FULL ? 'dist/full.js' : 'dist/index.js'), 'text/javascript'],
    // The full build loads it next to itself on pages with data-vitals.
    '/s.vitals.js': [root('dist/sightline.vitals.js'), 'text/javascript'],
    '/page.css': [root('test/pages/page.css'), 'text/css'],
  };
  for (const page of ['esm-entry', 'stub', 'control', 'prerender-probe']) {
    files[`/pages/${page}.js`] = [root(`test/pages/${page}.js`), 'text/javascript'];
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') requested.push(url.pathname);
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
    if (url.pathname === '/probe') {
      probes.push({
        ...Object.fromEntries(url.searchParams),
        purpose: String(req.headers['sec-purpose'] ?? ''),
      });
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/control') {
      const answer = control.get(url.searchParams.get('page') ?? '') ?? '';
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(answer);
      return;
    }
    if (url.pathname.startsWith('/rules/')) {
      const urls = pages.get(url.pathname.slice('/rules'.length))?.prerender ?? [];
      res
        .writeHead(200, { 'content-type': 'application/speculationrules+json' })
        .end(JSON.stringify({ prerender: [{ source: 'list', urls, eagerness: 'immediate' }] }));
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
    res
      .writeHead(200, {
        ...headers,
        ...(options.prerender && { 'speculation-rules': `"/rules${url.pathname}"` }),
      })
      .end(html(options));
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

  const all = (site: string) =>
    captured.filter((c) => c.batch.site === site).flatMap((c) => c.batch.events);
  const events = (site: string) =>
    all(site).filter((e) => !(e.type === 'custom' && e.name.startsWith(SENTINEL)));

  return {
    origin,
    browser,
    captured,
    invalid,
    requested,
    probes,
    control,
    events,
    waitFor(site, check, timeoutMs = 5_000) {
      return pollUntil(
        () => {
          const list = events(site);
          return check(list) && list;
        },
        {
          timeoutMs,
          intervalMs: 20,
          what: () => {
            const list = events(site);
            return `events of ${site}: ${list.length} so far, ${JSON.stringify(list.map((e) => [e.type, e.url])).slice(0, 2_000)}`;
          },
        },
      );
    },
    async settle(page, site) {
      const name = `${SENTINEL}${++sentinels}`;
      await page.evaluate((name) => {
        window.sightline!('track', name);
        window.sightline!('flush');
      }, name);
      const sentinel = await pollUntil(
        () => all(site).find((e) => e.type === 'custom' && e.name === name),
        { intervalMs: 20, what: `the sentinel ${name} of ${site}` },
      );
      const [load, emitted] = sequenceOf(sentinel.id);
      await pollUntil(
        () => {
          const before = all(site)
            .map((e) => sequenceOf(e.id))
            .filter(([l, n]) => l === load && n < emitted);
          return new Set(before.map(([, n]) => n)).size === emitted;
        },
        { intervalMs: 20, what: `the ${emitted} events ${site} sent before ${name}` },
      );
      return events(site);
    },
    probe(match, timeoutMs = 10_000) {
      const matches = (p: Probe) => Object.entries(match).every(([k, v]) => p[k] === v);
      return pollUntil(() => probes.find(matches), {
        timeoutMs,
        intervalMs: 20,
        what: () => `probe ${JSON.stringify(match)} among ${JSON.stringify(probes)}`,
      });
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

/**
 * Chromium started as a plain process with a fresh profile and one URL, no DevTools attached:
 * Chromium does not prerender while a DevTools client without tab-target support (such as
 * Playwright's) is attached to the page that asks for it ("PrerenderingDisabledByDevTools"), so
 * the prerendering scenarios drive the page from the harness's control endpoint instead.
 * `stop()` ends this process (and only it) and removes its profile.
 */
export async function launchBare(url: string): Promise<{ stop(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'sightline-bare-'));
  // Its own process group: Chromium's helpers (zygote, GPU, crash handler) outlive the browser
  // process by a moment and keep writing to the profile unless the whole group is ended.
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, url], {
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill();
      }
      await exited;
      // A helper still closing a file makes rmdir fail with ENOTEMPTY; rm retries those.
      await rm(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    },
  };
}

/** Attributes every scenario needs: the site, and permission to run on 127.0.0.1 under WebDriver. */
export const base = (site: string, extra: Record<string, string | true> = {}) => ({
  site,
  'allow-localhost': true as const,
  'allow-automated': true as const,
  'flush-ms': '50',
  ...extra,
});
