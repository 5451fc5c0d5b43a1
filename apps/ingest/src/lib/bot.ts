/**
 * Bot filter: the `isbot` pattern list (crawlers, spiders, HTTP libraries, headless browsers),
 * plus the tracker's own automation signal (`navigator.webdriver` and friends) and requests that
 * no browser would send. Bots are answered 202 like anyone else (no signal to tune against) and
 * counted separately by the site's Durable Object, never stored as visits.
 */
import { isbot } from 'isbot';

export type BotReason = 'automated' | 'user_agent' | 'no_user_agent' | null;

/**
 * @example
 * botReason(request.headers, batch.automated) // 'user_agent' for "curl/8.4.0"
 */
export function botReason(headers: Headers, automated: boolean | undefined): BotReason {
  if (automated) return 'automated';
  const ua = headers.get('user-agent');
  if (!ua) return 'no_user_agent';
  // isbot covers HeadlessChrome, PhantomJS, Lighthouse, python-requests, curl and the crawlers.
  // Its pattern is long; each distinct user agent is tested once per isolate.
  let bot = verdicts.get(ua);
  if (bot === undefined) {
    bot = isbot(ua);
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(ua, bot);
  }
  return bot ? 'user_agent' : null;
}

const MAX_VERDICTS = 1_000;
const verdicts = new Map<string, boolean>();
