/**
 * The links the dashboard hands out: a share link carries its secret in the URL fragment (never
 * sent to a server, never in access logs); a public dashboard names its site. Both open this
 * dashboard.
 */
const here = (loc: Location): string => `${loc.origin}${loc.pathname}`;

export const shareUrl = (secret: string, loc: Location = window.location): string =>
  `${here(loc)}#share=${secret}`;

export const publicUrl = (site: string, loc: Location = window.location): string =>
  `${here(loc)}#public=${encodeURIComponent(site)}`;

const SHARE_KEY = 'sightline.share';

/**
 * The share secret of this tab: taken from `#share=…` (and kept for this tab only, so a reload
 * keeps the view while the address bar and history lose the secret), or null.
 */
export function takeShareSecret(loc: Location = window.location): string | null {
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const secret = fragment.get('share');
  try {
    if (secret) {
      sessionStorage.setItem(SHARE_KEY, secret);
      history.replaceState(history.state, '', `${loc.pathname}${loc.search}#shared`);
      return secret;
    }
    return loc.hash === '#shared' ? sessionStorage.getItem(SHARE_KEY) : null;
  } catch {
    return secret;
  }
}

/** `#public=<site>`: a public dashboard, or null. */
export function publicSite(loc: Location = window.location): string | null {
  return new URLSearchParams(loc.hash.replace(/^#/, '')).get('public');
}
