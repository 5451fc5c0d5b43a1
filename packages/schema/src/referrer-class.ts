/**
 * The referrer class of a visit (search, social, email, direct, other) from its referrer host and
 * campaign. One rule for live traffic and imported history, so a channel means the same in both.
 * A campaign's `utm_medium` wins over the host: an e-mail link opened in a webmail client is
 * `email`, not `other`.
 */
import type { ReferrerClass } from './enriched.js';

const SEARCH =
  /(^|\.)(google\.[a-z.]+|bing\.com|duckduckgo\.com|search\.yahoo\.com|yandex\.[a-z.]+|baidu\.com|ecosia\.org|startpage\.com|search\.brave\.com|qwant\.com|kagi\.com|naver\.com|seznam\.cz)$/;
const SOCIAL =
  /(^|\.)(facebook\.com|fb\.me|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|lnkd\.in|reddit\.com|youtube\.com|tiktok\.com|pinterest\.[a-z.]+|threads\.net|bsky\.app|mastodon\.social|news\.ycombinator\.com|quora\.com|vk\.com|weibo\.com)$/;
const EMAIL =
  /(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|mail\.yahoo\.com|mail\.proton\.me|mail\.aol\.com|webmail\.[a-z.]+)$/;
const MEDIUM_CLASS: Record<string, ReferrerClass> = {
  email: 'email',
  newsletter: 'email',
  social: 'social',
  'social-media': 'social',
  organic: 'search',
  cpc: 'search',
  ppc: 'search',
};

/**
 * @param host - external referrer host, lower case without `www.`; '' for none or same-site
 * @param utmMedium - the campaign's `utm_medium`, '' when none
 * @param hasCampaign - whether `utm_source` or `utm_campaign` is set
 * @example
 * classifyReferrer('mail.google.com', '', false) // 'email'
 * classifyReferrer('', '', false) // 'direct'
 */
export function classifyReferrer(
  host: string,
  utmMedium: string,
  hasCampaign: boolean,
): ReferrerClass {
  const byMedium = Object.hasOwn(MEDIUM_CLASS, utmMedium.toLowerCase())
    ? MEDIUM_CLASS[utmMedium.toLowerCase()]
    : undefined;
  if (byMedium) return byMedium;
  if (host) {
    if (EMAIL.test(host)) return 'email';
    if (SEARCH.test(host)) return 'search';
    if (SOCIAL.test(host)) return 'social';
    return 'other';
  }
  return hasCampaign ? 'other' : 'direct';
}
