/**
 * Outbound-link and file-download clicks, seen by one capturing listener on the document (so
 * links added later count too, and a page's stopPropagation does not hide them).
 */

/** File types counted as downloads when a link's path ends with them. */
const FILE = /\.(7z|csv|dmg|docx?|exe|gz|iso|mp[34]|msi|pdf|pptx?|rar|xlsx?|zip)$/i;

/** `download` for file links, `outbound` for http(s) links to another host, else undefined. */
export const classifyLink = (
  target: EventTarget | null,
): [string, HTMLAnchorElement] | undefined => {
  const link = (target as Element).closest?.('a');
  // HTMLAnchorElement parses its own href: no URL object needed. SVG links have no
  // `protocol` and are skipped.
  return link && /^http/.test(link.protocol)
    ? link.hasAttribute('download') || FILE.test(link.pathname)
      ? ['download', link]
      : link.host !== location.host
        ? ['outbound', link]
        : undefined
    : undefined;
};
