/**
 * Query parameters the Worker reads from a landing page's URL before it drops the query string
 * (docs/ingest.md, "Page paths and query strings"). UTM parameters become dimensions with their
 * values; an ad click id only says which kind of click it was (dimension `click_id`: the
 * parameter's name), never its value, which identifies one click and often one person.
 */

/** The UTM parameters, each a dimension of its own (`utm_source` … `utm_content`). */
export const UTM_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;

/**
 * Click-id parameters and the ad network that adds them, in the order they are looked for: a
 * URL with several is recorded as the first one listed here.
 */
export const CLICK_ID_PARAMS = [
  ['gclid', 'Google Ads'],
  ['gbraid', 'Google Ads'],
  ['wbraid', 'Google Ads'],
  ['dclid', 'Google Display'],
  ['msclkid', 'Microsoft Ads'],
  ['fbclid', 'Meta'],
  ['ttclid', 'TikTok'],
  ['twclid', 'X (Twitter)'],
  ['li_fat_id', 'LinkedIn'],
  ['epik', 'Pinterest'],
  ['rdt_cid', 'Reddit'],
  ['sccid', 'Snapchat'],
  ['yclid', 'Yandex'],
] as const satisfies readonly (readonly [string, string])[];

export type ClickIdParam = (typeof CLICK_ID_PARAMS)[number][0];

/**
 * The ad network of a `click_id` dimension value, or the value itself when unknown.
 *
 * @example
 * clickIdLabel('gclid') // 'Google Ads'
 */
export function clickIdLabel(param: string): string {
  return CLICK_ID_PARAMS.find(([name]) => name === param)?.[1] ?? param;
}
