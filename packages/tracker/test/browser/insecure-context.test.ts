/**
 * Browser scenario 36: a page served over plain http from a host that is not local is no secure
 * context, so `crypto.randomUUID` does not exist there. Chromium resolves `plain.test` to the
 * harness on 127.0.0.1 (a host-resolver rule, not a mock): the page's origin is then
 * `http://plain.test:<port>`, which the browser treats as insecure.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, CHROMIUM, CHROMIUM_ARGS, startHarness, type Harness } from './harness.js';

const HOST = 'plain.test';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness({ launch: false });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
  });
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await browser?.close();
  await h.close();
});

describe('insecure context', () => {
  it('36 plain http: ids come from getRandomValues, are stored and kept across page loads', async () => {
    const site = 's36';
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = (path: string) => h.pageUrl(path, { attrs: base(site) }).replace('127.0.0.1', HOST);

    await page.goto(url('/s36/a'));
    expect(
      await page.evaluate(() => [isSecureContext, typeof crypto.randomUUID, location.hostname]),
    ).toEqual([false, 'undefined', HOST]);
    const [first] = await h.waitFor(site, (e) => e.length === 1);
    expect(first!.type).toBe('pageview');
    expect(first!.storage).toBe(true);
    for (const id of [first!.session, first!.visitor]) expect(id).toMatch(/^\d+(-\d+){3}$/);
    expect(first!.session).not.toBe(first!.visitor);

    // A second load in the same tab: the stored ids are accepted and kept, not replaced.
    await page.goto(url('/s36/b'));
    const all = await h.waitFor(site, (e) => e.some((x) => x.url === '/s36/b'));
    const second = all.find((x) => x.url === '/s36/b')!;
    expect([second.session, second.visitor]).toEqual([first!.session, first!.visitor]);
    expect(errors).toEqual([]);
  });
});
