/**
 * Outbound-link and file-download clicks, seen by one capturing listener (so links added later
 * count too, and a page's stopPropagation does not hide them).
 */

/** File types counted as downloads when a link's path ends with them. */
const FILE = /\.(7z|csv|dmg|docx?|exe|gz|iso|mp[34]|msi|pdf|pptx?|rar|xlsx?|zip)$/i;

/**
 * The v2 type code of a click on this link: 4 (`download`) for a file link, 3 (`outbound`) for an
 * http(s) link to another host, falsy for anything else (mailto:, javascript:, no href, SVG links
 * whose href is an object). HTMLAnchorElement parses its own href: no URL object needed.
 */
export const linkCode = (link: HTMLAnchorElement): 3 | 4 | false =>
  /^http/.test(link.href) &&
  (link.hasAttribute('download') || FILE.test(link.pathname)
    ? 4
    : link.host !== location.host && 3);
