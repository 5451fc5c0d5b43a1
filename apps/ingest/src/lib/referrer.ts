/**
 * Referrer class, UTM parameters and the ad click-id kind, read from the event's URL before its
 * query string is dropped (page-url.ts). Same-site referrers count as direct (internal
 * navigation); the class itself is the schema's `classifyReferrer`, the rule imported history
 * follows too. A click id is recorded by its parameter's name only, never its value.
 */
import { classifyReferrer } from '@sightline/schema/dimensions';
import { CLICK_ID_PARAMS, cleanText, type ReferrerClass } from '@sightline/schema';
import { queryParams } from './page-url.js';

export interface Attribution {
  referrerHost: string;
  referrerClass: ReferrerClass;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  utmTerm: string;
  utmContent: string;
  clickId: string;
}

const MAX = 256;

function hostOf(referrer: string | undefined): string {
  if (!referrer) return '';
  try {
    return new URL(referrer).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * @param path - the event's URL as sent: path + query (+ hash route), relative to the page's origin
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
  const query = queryParams(path);
  // Decoded from the query: `%00` or a cut inside a surrogate pair must not reach Postgres.
  const utm = (name: string) => cleanText(query.get(`utm_${name}`) ?? '', MAX);
  let host = hostOf(referrer);
  const page = pageHost.toLowerCase().replace(/^www\./, '');
  if (host && page && (host === page || host.endsWith(`.${page}`))) host = '';
  const utmSource = utm('source');
  const utmMedium = utm('medium');
  const utmCampaign = utm('campaign');
  const clickId = CLICK_ID_PARAMS.find(([name]) => query.has(name))?.[0] ?? '';
  return {
    referrerHost: host,
    // An ad click is a campaign, even without UTM tags: not "direct".
    referrerClass: classifyReferrer(host, utmMedium, Boolean(utmSource || utmCampaign || clickId)),
    utmSource,
    utmMedium,
    utmCampaign,
    utmTerm: utm('term'),
    utmContent: utm('content'),
    clickId,
  };
}
