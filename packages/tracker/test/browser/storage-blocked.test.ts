/**
 * Browser scenario 26: storage unavailable. This file's one browser is a Chromium profile whose
 * content settings block site data (what "block all cookies" does in private modes and locked-down
 * browsers): localStorage and sessionStorage then throw SecurityError. Nothing is mocked.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base, CHROMIUM, CHROMIUM_ARGS, startHarness, type Harness } from './harness.js';

let h: Harness;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  h = await startHarness({ launch: false });
  profile = await mkdtemp(join(tmpdir(), 'sightline-blocked-'));
  await mkdir(join(profile, 'Default'));
  await writeFile(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }),
  );
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
});
afterAll(async () => {
  expect(h.invalid).toEqual([]);
  await context.close();
  await h.close();
  await rm(profile, { recursive: true, force: true });
});

describe('storage unavailable', () => {
  it('26 events say storage: false; ids last as long as the page, across SPA navigations', async () => {
    const site = 's26';
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.pageUrl('/s26/a', { attrs: base(site) }));
    const blocked = await page.evaluate(() => {
      try {
        return typeof localStorage.getItem('x');
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(blocked).toBe('SecurityError');
    await page.evaluate(() => history.pushState({}, '', '/s26/b'));
    // pageview /a, the heartbeat closing /a, pageview /b
    const first = await h.waitFor(site, (e) => e.length === 3);
    expect(first.map((e) => [e.type, e.url])).toEqual([
      ['pageview', '/s26/a'],
      ['heartbeat', '/s26/a'],
      ['pageview', '/s26/b'],
    ]);
    expect(first.every((e) => e.storage === false)).toBe(true);
    expect(new Set(first.map((e) => `${e.session}/${e.visitor}`)).size).toBe(1);
    // Opting out still works for the page's lifetime.
    await page.evaluate(() => window.sightline!.optOut());
    await page.evaluate(() => window.sightline!('track', 'ignored'));

    await page.goto(h.pageUrl('/s26/c', { attrs: base(site) }));
    const all = await h.waitFor(site, (e) => e.some((x) => x.url === '/s26/c'));
    // The next page's view is the sentinel: what the opted-out page had queued would have gone
    // out when it was left, before that page loaded. Its session sent exactly the three.
    expect(all.filter((e) => e.session === first[0]!.session)).toHaveLength(3);
    const next = all.find((x) => x.url === '/s26/c')!;
    // A new page load is a new (memory-only) visitor and session: the expected overcount.
    expect(next.visitor).not.toBe(first[0]!.visitor);
    expect(next.session).not.toBe(first[0]!.session);
    expect(errors).toEqual([]);
  });
});
