/**
 * The tracker tags for a site, as its settings page offers them: the full build (`/s.js`) and the
 * core build (`/s.core.js`, page views, engagement and custom events only; docs/tracker.md). A
 * site that lists localhost or 127.0.0.1 among its domains gets `data-allow-localhost` (the
 * tracker ignores local pages otherwise).
 */
const LOCAL = /^(localhost|127\.0\.0\.1)(:\d+)?$/;

/** Escapes a value for a double-quoted HTML attribute. */
const attr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function snippet(
  ingestUrl: string,
  site: { id: string; domains: readonly string[] },
  build: 'full' | 'core',
): string {
  const file = build === 'full' ? 's.js' : 's.core.js';
  const local = site.domains.some((d) => LOCAL.test(d)) ? ' data-allow-localhost="true"' : '';
  return `<script defer src="${attr(ingestUrl)}/${file}" data-site="${attr(site.id)}"${local}></script>`;
}
