/**
 * Page path patterns, as goals, funnel steps and content groups use them: a path with `*` for
 * any run of characters within one segment (no `/`) and `**` for any run across segments.
 * `/checkout/*\/done` matches `/checkout/42/done`, not `/checkout/a/b/done`; `/blog/**` matches
 * every page under `/blog/`; a pattern without a wildcard matches that path only. Paths are
 * case-sensitive. The database compiles patterns the same way (`private.path_pattern_regex`,
 * supabase/schemas/30_report_helpers.sql; a test holds the two to the same answers).
 */

/** Longest pattern accepted (the wire's URL limit). */
export const MAX_PATH_PATTERN = 1024;

/** A pattern is a path: it starts with `/`, has no query string, fragment or control character. */
export function isPathPattern(pattern: string): boolean {
  return (
    pattern.length >= 1 &&
    pattern.length <= MAX_PATH_PATTERN &&
    pattern.startsWith('/') &&
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    !/[?#\u0000-\u001f\u007f]/.test(pattern)
  );
}

/**
 * The pattern as an anchored regular expression source: metacharacters escaped, `**` → `.*`,
 * then `*` → `[^/]*`.
 *
 * @example
 * pathPatternSource('/checkout/*\/done') // '^/checkout/[^/]*\/done$'
 */
export function pathPatternSource(pattern: string): string {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return `^${escaped.replaceAll('**', '\u0001').replaceAll('*', '[^/]*').replaceAll('\u0001', '.*')}$`;
}

const compiled = new Map<string, RegExp>();

/**
 * @example
 * matchesPath('/products/**', '/products/mug') // true
 */
export function matchesPath(pattern: string, path: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pathPatternSource(pattern), 's');
    // Patterns come from a site's configuration: a few dozen at most, but bound the cache.
    if (compiled.size >= 1_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(path);
}
