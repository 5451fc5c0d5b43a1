/**
 * Text that Postgres can store and analytics has a use for. Postgres `text` cannot hold U+0000
 * and `jsonb` refuses the escape `\u0000` and any unpaired surrogate (they fail the whole
 * `ingest_batch` call), and control characters have no business in a report. The schema
 * REFUSES them in fields a browser produces already encoded (url, referrer, target, language,
 * time zone: only a broken or hostile sender puts them there) and NORMALISES them in free text
 * (title, event name, property keys and values: page content and developer code, where a
 * tracker cutting a long title may itself split a surrogate pair). See docs/event-schema.md.
 */

/**
 * Matches a string without control characters (C0, DEL, C1) and without unpaired surrogates.
 * Written without lookbehind or the `u` flag so that every JavaScript engine parses it.
 */
export const STORABLE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/** The message of the schema's `invalid_format` issue for text that {@link STORABLE_TEXT} refuses. */
export const STORABLE_TEXT_ERROR = 'control characters and unpaired surrogates are not allowed';

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);
/** Tab, line feed, vertical tab, form feed, carriage return, next line: become one space. */
const isBreak = (c: number) => (c >= 0x09 && c <= 0x0d) || c === 0x85;

/**
 * `true` when `text` can be stored as is: no control character, no unpaired surrogate.
 *
 * @example
 * isStorableText('Pricing 😀'); // true
 * isStorableText('a\u0000b'); // false
 */
export function isStorableText(text: string): boolean {
  return STORABLE_TEXT.test(text);
}

/**
 * Free text made storable: an unpaired surrogate becomes U+FFFD (as `String#toWellFormed`
 * does), a line break or tab becomes a space, any other control character is removed. With
 * `max`, the result is cut to at most `max` UTF-16 units without splitting a surrogate pair.
 * Never longer than its input.
 *
 * @example
 * cleanText('Sale\n\u0000now \ud800'); // 'Sale now \ufffd'
 * cleanText('a😀', 2); // 'a' (the pair does not fit)
 */
export function cleanText(text: string, max = Infinity): string {
  if (text.length <= max && STORABLE_TEXT.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (isHigh(c) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
      if (out.length + 2 > max) break;
      out += text[i]! + text[i + 1]!;
      i++;
    } else if (isHigh(c) || isLow(c)) out += '\ufffd';
    else if (isBreak(c)) out += ' ';
    else if (!isControl(c)) out += text[i]!;
  }
  return out;
}
