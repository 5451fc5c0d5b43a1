/**
 * Referrer class and UTM parameters. Same-site referrers count as direct (internal navigation);
 * a campaign's `utm_medium` wins over the referrer host, so an email link opened in a webmail
 * client is `email`, not `other`.
 */
import { cleanText, type ReferrerClass } from '@sightline/schema';

export interface Attribution {
  referrerHost: string;
  referrerClass: ReferrerClass;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  utmTerm: string;
  utmContent: string;
}

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

const MAX = 256;

function hostOf(referrer: string | undefined): string {
  if (!referrer) return '';
  try {
    return new URL(referrer).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

function classify(host: string, medium: string, hasCampaign: boolean): ReferrerClass {
  const byMedium = MEDIUM_CLASS[medium.toLowerCase()];
  if (byMedium) return byMedium;
  if (host) {
    if (EMAIL.test(host)) return 'email';
    if (SEARCH.test(host)) return 'search';
    if (SOCIAL.test(host)) return 'social';
    return 'other';
  }
  return hasCampaign ? 'other' : 'direct';
}

/**
 * @param path - the event's path + query (relative to the page's origin)
 * @param referrer - the full referrer URL the tracker saw
 * @param pageHost - the beacon's origin host, to recognise internal navigation
 * @example
 * attribute('/?utm_source=news&utm_medium=email', 'https://mail.google.com/', 'example.com')
 */
export function attribute(
  path: string,
  referrer: string | undefined,
  pageHost: string,
): Attribution {
  let query: URLSearchParams;
  try {
    query = new URL(path, 'https://x.invalid').searchParams;
  } catch {
    query = new URLSearchParams();
  }
  // Decoded from the query: `%00` or a cut inside a surrogate pair must not reach Postgres.
  const utm = (name: string) => cleanText(query.get(`utm_${name}`) ?? '', MAX);
  let host = hostOf(referrer);
  const page = pageHost.toLowerCase().replace(/^www\./, '');
  if (host && page && (host === page || host.endsWith(`.${page}`))) host = '';
  const utmSource = utm('source');
  const utmMedium = utm('medium');
  const utmCampaign = utm('campaign');
  return {
    referrerHost: host,
    referrerClass: classify(host, utmMedium, Boolean(utmSource || utmCampaign)),
    utmSource,
    utmMedium,
    utmCampaign,
    utmTerm: utm('term'),
    utmContent: utm('content'),
  };
}
