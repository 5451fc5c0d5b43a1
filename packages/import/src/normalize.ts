/**
 * Peer values to Sightline's: device classes, browser and OS families as the Worker's user-agent
 * parser names them, referrer hosts, country codes, and the caps the Worker applies to what it
 * stores. The README's mapping table is this file in prose.
 */
import { LIMITS, type DeviceType } from '@sightline/schema/dimensions';
import { cap } from './values.js';

/** Lengths Sightline keeps: limits.ts where the value comes from the beacon, the Worker's own
 * caps otherwise (apps/ingest: UTM values 256, geo names 128). */
export const CAPS = {
  page: LIMITS.url,
  referrer: LIMITS.referrer,
  event: LIMITS.eventName,
  utm: 256,
  geo: 128,
  name: 64,
} as const;

const DEVICES: Record<string, DeviceType> = {
  desktop: 'desktop',
  laptop: 'desktop',
  mobile: 'mobile',
  tablet: 'tablet',
};

/** Plausible's screen sizes (Desktop, Laptop, Mobile, Tablet) and Umami's device types. */
export function device(value: string): DeviceType {
  return DEVICES[value.trim().toLowerCase()] ?? 'other';
}

const BROWSERS: Record<string, string> = {
  // Plausible (ua_inspector names)
  'microsoft edge': 'Edge',
  'samsung browser': 'Samsung Internet',
  'yandex browser': 'Yandex',
  'opera gx': 'Opera',
  'chrome mobile': 'Chrome',
  'chrome mobile ios': 'Chrome',
  'mobile safari': 'Safari',
  'firefox mobile': 'Firefox',
  // Umami (detect-browser names)
  chrome: 'Chrome',
  crios: 'Chrome',
  'chromium-webview': 'Chrome',
  firefox: 'Firefox',
  fxios: 'Firefox',
  edge: 'Edge',
  'edge-chromium': 'Edge',
  'edge-ios': 'Edge',
  safari: 'Safari',
  ios: 'Safari',
  'ios-webview': 'Safari',
  samsung: 'Samsung Internet',
  opera: 'Opera',
  'opera-mini': 'Opera',
  yandexbrowser: 'Yandex',
  vivaldi: 'Vivaldi',
  ie: 'Internet Explorer',
  'internet explorer': 'Internet Explorer',
};

/** A browser family as the Worker names it; other names are kept as they are. */
export function browser(value: string): string {
  const v = value.trim();
  if (isUnknown(v)) return '';
  return BROWSERS[v.toLowerCase()] ?? cap(v, CAPS.name);
}

/** An OS family as the Worker names it; other names are kept as they are. */
export function os(value: string): string {
  const v = value.trim();
  if (isUnknown(v)) return '';
  const l = v.toLowerCase();
  if (l.startsWith('windows')) return 'Windows';
  if (l === 'mac' || l === 'mac os' || l === 'macos' || l === 'mac os x') return 'macOS';
  if (l === 'ios' || l === 'ipados') return 'iOS';
  if (l === 'android' || l === 'android os') return 'Android';
  if (l === 'chrome os' || l === 'chromeos') return 'Chrome OS';
  if (l === 'gnu/linux' || l === 'linux' || l === 'ubuntu' || l === 'fedora' || l === 'debian')
    return 'Linux';
  return cap(v, CAPS.name);
}

/** A referrer's host: lower case, without scheme, `www.`, port or path. */
export function referrerHost(value: string): string {
  let v = value.trim().toLowerCase();
  if (!v) return '';
  v = v.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  v = v
    .split(/[/?#]/, 1)[0]!
    .replace(/:\d+$/, '')
    .replace(/^www\./, '');
  return cap(v, CAPS.referrer);
}

/** Hosts of the sources Plausible names rather than shows as a host (older exports have no
 * `referrer` column). Unlisted names that look like hosts are taken as hosts. */
const SOURCE_HOSTS: Record<string, string> = {
  google: 'google.com',
  bing: 'bing.com',
  duckduckgo: 'duckduckgo.com',
  yahoo: 'search.yahoo.com',
  'yahoo!': 'search.yahoo.com',
  yandex: 'yandex.ru',
  baidu: 'baidu.com',
  ecosia: 'ecosia.org',
  qwant: 'qwant.com',
  'brave search': 'search.brave.com',
  facebook: 'facebook.com',
  instagram: 'instagram.com',
  twitter: 't.co',
  x: 'x.com',
  linkedin: 'linkedin.com',
  reddit: 'reddit.com',
  youtube: 'youtube.com',
  pinterest: 'pinterest.com',
  'hacker news': 'news.ycombinator.com',
  github: 'github.com',
  gmail: 'mail.google.com',
  'outlook.com': 'outlook.live.com',
};

/** The host behind a Plausible source name, '' when it names none (a UTM source, say). */
export function sourceHost(source: string): string {
  const s = source.trim().toLowerCase();
  if (!s) return '';
  const known = SOURCE_HOSTS[s];
  if (known) return known;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s) ? referrerHost(s) : '';
}

/** An ISO 3166-1 alpha-2 code, '' for unknown (Plausible's `ZZ`, Cloudflare's `XX` and `T1`). */
export function country(value: string): string {
  const v = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(v) && v !== 'ZZ' && v !== 'XX' && v !== 'T1' ? v : '';
}

const isUnknown = (v: string) =>
  v === '' || v === '(not set)' || v === '(unknown)' || v === 'unknown';
