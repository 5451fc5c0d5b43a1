/**
 * A page is its path: the one place the query string of an event's URL is split off. The
 * tracker sends the path and query (and the hash, with hash routing); what reaches Postgres,
 * Analytics Engine and the live messages is the path (and the hash route) only. Query strings
 * often carry e-mail addresses, tokens and order ids: by default no parameter is kept. UTM
 * parameters and ad click ids are read from it first (referrer.ts); a site may keep other
 * parameters by name (`sites.allowed_query_params`, e.g. `q` for site search). UTM parameters
 * and click ids never stay in the path, allowed or not: they are dimensions of their own.
 */
import { CLICK_ID_PARAMS, UTM_PARAMS } from '@sightline/schema';

const ATTRIBUTION = new Set<string>([...UTM_PARAMS, ...CLICK_ID_PARAMS.map(([name]) => name)]);

/** `name` of a raw `name=value` segment, decoded (`+` is a space in a query string). */
function paramName(segment: string): string {
  const raw = segment.split('=', 1)[0]!.replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a malformed escape: compared as sent
  }
}

/** The segments of `query` (without `?`) whose names `allowed` lists, as sent, in order. */
function keep(query: string, allowed: ReadonlySet<string>): string {
  if (allowed.size === 0 || query === '') return '';
  const kept = query.split('&').filter((segment) => {
    const name = paramName(segment);
    return allowed.has(name) && !ATTRIBUTION.has(name);
  });
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

/** The URL's parts: path, query (no `?`), hash route (with `#`, no query) and its query. */
function parts(url: string): { path: string; query: string; hash: string; hashQuery: string } {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const hashQueryAt = fragment.indexOf('?');
  return {
    path: queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt),
    query: queryAt < 0 ? '' : beforeHash.slice(queryAt + 1),
    hash: hashQueryAt < 0 ? fragment : fragment.slice(0, hashQueryAt),
    hashQuery: hashQueryAt < 0 ? '' : fragment.slice(hashQueryAt + 1),
  };
}

/**
 * The page of a URL: its path, the parameters the site allows (in the order sent), and with
 * hash routing the hash route (its own query string split off the same way).
 *
 * @example
 * pagePath('/products/mug?utm_source=news&email=a@b.example', new Set()) // '/products/mug'
 * pagePath('/search?q=lamp&session=abc', new Set(['q'])) // '/search?q=lamp'
 * pagePath('/#/orders?token=x', new Set()) // '/#/orders'
 */
export function pagePath(url: string, allowed: ReadonlySet<string>): string {
  const { path, query, hash, hashQuery } = parts(url);
  return `${path}${keep(query, allowed)}${hash}${hash ? keep(hashQuery, allowed) : ''}`;
}

/**
 * The parameters of a URL's query string and of its hash route's, the first value of a name
 * winning (the query string's before the hash route's): where attribution is read from.
 */
export function queryParams(url: string): URLSearchParams {
  const { query, hashQuery } = parts(url);
  const params = new URLSearchParams(query);
  for (const [name, value] of new URLSearchParams(hashQuery))
    if (!params.has(name)) params.append(name, value);
  return params;
}

/**
 * A link target without its query string and fragment: an outbound or download URL is kept as
 * origin and path (a download link's query often holds a signed token).
 *
 * @example
 * bareTarget('https://cdn.example/report.pdf?sig=abc#p2') // 'https://cdn.example/report.pdf'
 */
export function bareTarget(target: string): string {
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}
