/**
 * Content groups: what kind of page a path is, for the value score (docs/value-score.md). A
 * site defines its groups by path pattern beside its goals (table `content_groups`); a site
 * that defines none gets DEFAULT_CONTENT_GROUPS, the common shop paths. The shipped model was
 * fitted on three groups, named as in its training data (MODEL_GROUP).
 */
import { matchesPath } from './path-pattern.js';

export const CONTENT_GROUPS = ['product', 'informational', 'administrative'] as const;
export type ContentGroup = (typeof CONTENT_GROUPS)[number];

/** One rule: pages matching `pattern` (path-pattern.ts) belong to `group`. */
export interface ContentGroupRule {
  group: ContentGroup;
  pattern: string;
}

/** The groups of a site that defines none: shop pages, reading pages, account pages. */
export const DEFAULT_CONTENT_GROUPS: readonly ContentGroupRule[] = [
  { group: 'product', pattern: '/product**' },
  { group: 'product', pattern: '/cart**' },
  { group: 'product', pattern: '/checkout**' },
  { group: 'informational', pattern: '/blog**' },
  { group: 'informational', pattern: '/docs**' },
  { group: 'administrative', pattern: '/account**' },
  { group: 'administrative', pattern: '/login**' },
];

/** The shipped model's name of each group (the training data's column names, lower case). */
export const MODEL_GROUP: Record<ContentGroup, string> = {
  product: 'productrelated',
  informational: 'informational',
  administrative: 'administrative',
};

/**
 * The group of a page: the first rule whose pattern matches, or null (the page counts toward
 * the visit's totals only).
 *
 * @example
 * contentGroupOf('/products/mug', DEFAULT_CONTENT_GROUPS) // 'product'
 */
export function contentGroupOf(
  path: string,
  rules: readonly ContentGroupRule[],
): ContentGroup | null {
  for (const rule of rules) if (matchesPath(rule.pattern, path)) return rule.group;
  return null;
}
