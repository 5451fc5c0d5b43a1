/**
 * The referrer class of a visit (search, social, ai, email, direct, other) from its referrer host
 * and campaign. One rule for live traffic and imported history, so a channel means the same in
 * both. A campaign's `utm_medium` wins over the host: an e-mail link opened in a webmail client is
 * `email`, not `other`. Search engines, social networks and AI assistants are Matomo's maintained
 * host lists (data/referrers, CC0), generated into referrer-hosts.ts.
 */
import type { ReferrerClass } from './enriched.js';
import { REFERRER_HOSTS } from './referrer-hosts.js';

/** Webmail hosts: the lists above have none. */
const EMAIL =
  /(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|outlook\.office365\.com|mail\.yahoo\.com|mail\.proton\.me|mail\.aol\.com|mail\.yandex\.[a-z.]+|webmail\.[a-z.]+)$/;
const MEDIUM_CLASS: Record<string, ReferrerClass> = {
  email: 'email',
  newsletter: 'email',
  social: 'social',
  'social-media': 'social',
  organic: 'search',
  cpc: 'search',
  ppc: 'search',
};
/** Second-level labels of combined top-level domains that a list's `{}` also stands for. */
const GENERIC_SECOND_LEVEL = new Set(['com', 'org', 'net', 'co', 'it', 'edu']);

export interface ReferrerSource {
  class: 'search' | 'social' | 'ai';
  /** The source's name in the lists, e.g. `Google`, `Facebook`, `ChatGPT`. */
  name: string;
}

let index: Map<string, ReferrerSource> | undefined;

/** Host (or host pattern with `{}`) → source, built on first use from the generated lines. */
function sources(): Map<string, ReferrerSource> {
  if (index) return index;
  index = new Map();
  for (const line of REFERRER_HOSTS.split('\n')) {
    const [cls, name, hosts] = line.split('\t') as [ReferrerSource['class'], string, string];
    for (const host of hosts.split(' '))
      if (!index.has(host)) index.set(host, { class: cls, name });
  }
  return index;
}

/**
 * The keys a host may be listed under: itself, with `{}` for its top-level domain (one label, or
 * two such as `co.uk`), with `{}` for its first label, and with both.
 */
function patterns(labels: string[]): string[] {
  const keys = [labels.join('.')];
  const tld = labels.length > 2 && GENERIC_SECOND_LEVEL.has(labels.at(-2)!) ? 2 : 1;
  const base = labels.slice(0, labels.length - tld);
  if (base.length > 0) keys.push([...base, '{}'].join('.'));
  if (labels.length > 2) {
    keys.push(['{}', ...labels.slice(1)].join('.'));
    if (base.length > 1) keys.push(['{}', ...base.slice(1), '{}'].join('.'));
  }
  return keys;
}

/**
 * The search engine, social network or AI assistant a referrer host belongs to, if any: the host
 * or its closest listed parent domain (`m.facebook.com` is Facebook).
 * @example referrerSource('google.co.uk') // { class: 'search', name: 'Google' }
 */
export function referrerSource(host: string): ReferrerSource | undefined {
  const labels = host
    .toLowerCase()
    .replace(/^www\./, '')
    .split('.');
  const listed = sources();
  for (let i = 0; i < labels.length - 1; i++) {
    for (const key of patterns(labels.slice(i))) {
      const source = listed.get(key);
      if (source) return source;
    }
  }
  return undefined;
}

/**
 * @param host - external referrer host, lower case without `www.`; '' for none or same-site
 * @param utmMedium - the campaign's `utm_medium`, '' when none
 * @param hasCampaign - whether `utm_source` or `utm_campaign` is set
 * @example
 * classifyReferrer('mail.google.com', '', false) // 'email'
 * classifyReferrer('chatgpt.com', '', false) // 'ai'
 * classifyReferrer('', '', false) // 'direct'
 */
export function classifyReferrer(
  host: string,
  utmMedium: string,
  hasCampaign: boolean,
): ReferrerClass {
  const medium = utmMedium.toLowerCase();
  const byMedium = Object.hasOwn(MEDIUM_CLASS, medium) ? MEDIUM_CLASS[medium] : undefined;
  if (byMedium) return byMedium;
  if (host) {
    if (EMAIL.test(host)) return 'email';
    return referrerSource(host)?.class ?? 'other';
  }
  return hasCampaign ? 'other' : 'direct';
}
