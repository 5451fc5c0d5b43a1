/**
 * Is a beacon's origin one of the site's domains? A listed domain allows itself and its
 * subdomains (`example.com` allows `www.example.com`); entries may carry a scheme, port or path
 * and are compared by host. Loopback origins pass only in development.
 */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function hostOf(value: string): string | null {
  try {
    const url = new URL(value.includes('://') ? value : `https://${value}`);
    return url.hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return null;
  }
}

/**
 * The origin a request came from: the Origin header, else the Referer's origin (some privacy
 * extensions strip Origin from beacons), else null.
 */
export function requestOrigin(headers: Headers): string | null {
  const origin = headers.get('origin');
  if (origin && origin !== 'null') return origin;
  const referer = headers.get('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

/**
 * @example
 * originAllowed('https://www.example.com', ['example.com'], false) // true
 */
export function originAllowed(
  origin: string | null,
  domains: readonly string[],
  development: boolean,
): boolean {
  if (!origin) return false;
  const host = hostOf(origin);
  if (!host) return false;
  if (LOOPBACK.has(host) || host.endsWith('.localhost')) return development;
  return domains.some((domain) => {
    const allowed = hostOf(domain);
    return allowed !== null && (host === allowed || host.endsWith(`.${allowed}`));
  });
}
