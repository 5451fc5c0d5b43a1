/** Reduce a captured request to what PostgREST acts on, for the parity comparison. */
import type { Captured } from './capture.js';
import { canonicalValue } from './grammar.js';

const HEADERS = [
  'accept',
  'accept-profile',
  'content-profile',
  'content-type',
  'apikey',
  'authorization',
];

export function normalize(req: Captured): unknown {
  const url = new URL(req.url);
  const params = [...url.searchParams]
    .map(([k, v]) => [k, JSON.stringify(canonicalValue(k, v))] as const)
    .sort((a, b) => (a[0] + '\0' + a[1] < b[0] + '\0' + b[1] ? -1 : 1));
  const headers: Record<string, unknown> = {};
  for (const h of HEADERS) if (req.headers[h] !== undefined) headers[h] = req.headers[h];
  if (req.headers.prefer)
    headers.prefer = req.headers.prefer
      .split(',')
      .map((t) => t.trim())
      .sort();
  return {
    method: req.method,
    origin: url.origin,
    path: decodeURIComponent(url.pathname),
    params,
    headers,
    body: req.body === undefined ? undefined : (JSON.parse(req.body) as unknown),
  };
}
