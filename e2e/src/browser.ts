/**
 * Chromium looking like a person's browser: the demo site's tracker (rightly) ignores automated
 * browsers and the Worker drops bot user agents, so the test turns off the automation flag and
 * uses an ordinary desktop user agent.
 */
import { launchChromium } from '@sightline/chromium';
import type { Browser, BrowserContext } from 'playwright-core';

export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export async function launchBrowser(): Promise<{
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const browser = await launchChromium({ args: ['--disable-blink-features=AutomationControlled'] });
  const context = await browser.newContext({
    userAgent: DESKTOP_UA,
    viewport: { width: 1280, height: 800 },
  });
  // Hang guards, not speed checks: on a 2-core machine that runs other suites beside this one,
  // a first page load (the Worker compiling its first request) can take longer than
  // Playwright's 30 s default.
  context.setDefaultNavigationTimeout(90_000);
  context.setDefaultTimeout(60_000);
  // playwright gives every launch a fresh temporary profile and removes it on close.
  return { browser, context, close: () => browser.close() };
}
