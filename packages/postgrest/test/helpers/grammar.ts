/**
 * Test-side readers for the PostgREST grammar, written from PostgREST's QueryParams.hs rules,
 * so two requests can be compared for what they mean rather than for how they are spelled.
 */

/** Elements of `(a,"b,c",d)`: quoted elements unescape `\x` to `x`; `(`/`)` trim whitespace. */
export function parseList(src: string): string[] {
  const s = src.trim();
  if (!s.startsWith('(') || !s.endsWith(')')) throw new Error(`not a list: ${src}`);
  return splitElements(s.slice(1, -1).replace(/^\s+/, ''), ',)');
}

/** Elements of a Postgres array literal `{a,"b c",NULL}`; unquoted NULL reads as null. */
export function parseArray(src: string): (string | null)[] {
  if (!src.startsWith('{') || !src.endsWith('}')) throw new Error(`not an array: ${src}`);
  const inner = src.slice(1, -1);
  if (inner === '') return [];
  const out: (string | null)[] = [];
  let i = 0;
  while (i <= inner.length) {
    while (inner[i] === ' ') i++;
    if (inner[i] === '"') {
      let v = '';
      i++;
      while (inner[i] !== '"') {
        if (inner[i] === '\\') i++;
        v += inner[i++];
      }
      i++;
      out.push(v);
    } else {
      let j = i;
      while (j < inner.length && inner[j] !== ',') j++;
      const raw = inner.slice(i, j).trim();
      out.push(/^null$/i.test(raw) ? null : raw);
      i = j;
    }
    while (inner[i] === ' ') i++;
    i++; // the comma (or past the end)
  }
  return out;
}

function splitElements(s: string, stops: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') i++;
        v += s[i++];
      }
      i++;
      out.push(v);
    } else {
      let v = '';
      while (i < s.length && !stops.includes(s[i]!)) v += s[i++];
      out.push(v);
    }
    if (i >= s.length) return out;
    i++; // comma
  }
}

const SINGLE = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

/** A filter value reduced to its meaning: the operator and its operand(s). */
export function canonicalValue(key: string, value: string): unknown {
  if (SINGLE.has(key) || key.endsWith('.order') || key.endsWith('.limit')) return value;
  if (key === 'or' || key.endsWith('.or')) return value;
  const m = /^(not\.)?([a-z]+(?:\([^)]*\))?)\.(.*)$/s.exec(value);
  if (!m) return value;
  const [, not = '', op, rest = ''] = m;
  if (op === 'in') return [not, op, parseList(rest)];
  if ((op === 'cs' || op === 'cd' || op === 'ov') && rest.startsWith('{'))
    return [not, op, jsonObject(rest) ?? parseArray(rest)];
  return [not, op, rest];
}

/** A jsonb operand (`cs.{"a":1}`), or undefined when the text is an array literal instead. */
function jsonObject(src: string): unknown {
  try {
    const v: unknown = JSON.parse(src);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
