/**
 * The visitor's language from the beacon's `Accept-Language` header: its first tag, which is the
 * browser's preferred language (what `navigator.language` says). The tracker does not send
 * `language` itself; an event that carries one keeps it.
 */
import { LIMITS } from '@sightline/schema';

/** A BCP 47 tag as browsers send them: `en`, `en-GB`, `zh-Hant-TW`, `de-CH-1996`. */
const TAG = /^[a-z]{1,8}(-[a-z\d]{1,8})*$/i;

/**
 * @example
 * languageOf('en-GB,en;q=0.9,de;q=0.8') // 'en-GB'
 * languageOf('*') // undefined
 */
export function languageOf(header: string | null): string | undefined {
  const first = header?.split(',', 1)[0]!.split(';', 1)[0]!.trim();
  return first && first.length <= LIMITS.language && TAG.test(first) ? first : undefined;
}
