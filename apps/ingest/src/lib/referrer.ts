/**
 * Referrer class and UTM parameters. Same-site referrers count as direct (internal navigation);
 * the class itself is the schema's `classifyReferrer`, the rule imported history follows too.
 */
import { classifyReferrer } from '@sightline/schema/dimensions';
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
    referrerClass: classifyReferrer(host, utmMedium, Boolean(utmSource || utmCampaign)),
    utmSource,
    utmMedium,
    utmCampaign,
    utmTerm: utm('term'),
    utmContent: utm('content'),
  };
}
