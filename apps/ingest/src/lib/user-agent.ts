/**
 * A small user-agent parser: device class, browser family and OS family, the three things the
 * reports and the value score use. Order matters (Edge and Opera also say "Chrome", Chrome says
 * "Safari"). A full parser (ua-parser-js 1.x) would add ~20 KB gzip to a Worker whose budget is
 * 100 KB; unknown strings give '' rather than a guess.
 */
import type { DeviceType } from '@sightline/schema';

export interface UserAgentInfo {
  device: DeviceType;
  browser: string;
  os: string;
}

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bYaBrowser\//, 'Yandex'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bFxiOS\/|\bFirefox\//, 'Firefox'],
  [/\bCriOS\/|\bChrome\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bMobile\/\w+ Safari|AppleWebKit.*\bMobile\//, 'Safari'],
  [/\bMSIE |\bTrident\//, 'Internet Explorer'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\biPhone|\biPad|\biPod/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'Chrome OS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function first(ua: string, table: readonly [RegExp, string][]): string {
  for (const [pattern, name] of table) if (pattern.test(ua)) return name;
  return '';
}

function device(ua: string, os: string): DeviceType {
  if (/\biPad\b|\bTablet\b|\bKindle\b|\bSilk\//.test(ua)) return 'tablet';
  // Android phones say "Mobile"; Android tablets do not.
  if (os === 'Android') return /\bMobile\b/.test(ua) ? 'mobile' : 'tablet';
  if (/\bMobi|\biPhone\b|\biPod\b/.test(ua)) return 'mobile';
  if (os === 'Windows' || os === 'macOS' || os === 'Linux' || os === 'Chrome OS') return 'desktop';
  return 'other';
}

/**
 * @example
 * parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) … Mobile/15E148 Safari/604.1')
 * // { device: 'mobile', browser: 'Safari', os: 'iOS' }
 */
export function parseUserAgent(ua: string | null): UserAgentInfo {
  if (!ua) return { device: 'other', browser: '', os: '' };
  // A site's visitors send few distinct user agents: each is parsed once per isolate.
  let info = parsed.get(ua);
  if (!info) {
    const text = ua.slice(0, 512);
    const os = first(text, SYSTEMS);
    info = { device: device(text, os), browser: first(text, BROWSERS), os };
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(ua, info);
  }
  return { ...info };
}

const MAX_PARSED = 1_000;
const parsed = new Map<string, UserAgentInfo>();
