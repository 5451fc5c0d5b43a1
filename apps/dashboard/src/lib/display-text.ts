/**
 * Text that came from visitors' browsers or from a site's pages (paths, titles, referrers,
 * cities, event names, property values) made safe to show: React already renders it as text,
 * never markup; this makes it readable and bounded. Control characters and unpaired surrogates
 * become U+FFFD (visible, not silently dropped), directional formatting characters are removed
 * (they could reorder what a viewer reads, e.g. `/admin\u202Egnp.exe`), and the result is cut
 * to `max` characters (code points, never inside a surrogate pair) with an ellipsis.
 */

/** Characters shown per cell, tooltip line and feed entry by default. */
export const DISPLAY_MAX = 120;

const isBidiControl = (c: number) =>
  c === 0x061c ||
  c === 0x200e ||
  c === 0x200f ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069);
const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);

/** Code points of `text`, cleaned (see the module header). */
function cleanPoints(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out.push(text.slice(i, i + 2));
        i++;
      } else out.push('\ufffd');
    } else if (c >= 0xdc00 && c <= 0xdfff) out.push('\ufffd');
    else if (isControl(c)) out.push('\ufffd');
    else if (!isBidiControl(c)) out.push(text[i]!);
  }
  return out;
}

export interface DisplayText {
  /** What to render. */
  shown: string;
  /** The whole text, cleaned the same way (for a tooltip), when `shown` was cut. */
  full: string | null;
}

/**
 * @example
 * displayText('/a<b>\u202Eevil', 80); // { shown: '/a<b>evil', full: null }
 */
export function displayText(text: string, max = DISPLAY_MAX): DisplayText {
  const points = cleanPoints(text);
  if (points.length <= max) return { shown: points.join(''), full: null };
  return { shown: `${points.slice(0, max - 1).join('')}…`, full: points.slice(0, 2000).join('') };
}
