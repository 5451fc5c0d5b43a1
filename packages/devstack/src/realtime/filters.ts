/**
 * postgres_changes filters in Realtime's syntax: `column=op.value` with op one of eq, neq, lt,
 * lte, gt, gte, in (`in.(a,b,"c d")`). Values compare numerically when both sides are numbers.
 */
export type FilterOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';

export interface RowFilter {
  column: string;
  op: FilterOp;
  values: string[];
}

export class FilterError extends Error {
  override readonly name = 'FilterError';
  readonly code = 'BAD_FILTER';
}

const OPS = new Set<FilterOp>(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in']);

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

export function parseFilter(filter: string): RowFilter {
  const match = /^([^=]+)=([a-z]+)\.(.*)$/s.exec(filter);
  if (!match) throw new FilterError(`Error parsing \`filter\` params: ${filter}`);
  const [, column, op, raw] = match as unknown as [string, string, string, string];
  if (!OPS.has(op as FilterOp))
    throw new FilterError(`Error parsing \`filter\` params: unknown operator ${op}`);
  if (op === 'in') {
    const list = /^\((.*)\)$/s.exec(raw);
    if (!list) throw new FilterError('Error parsing `filter` params: in needs a (list)');
    const values = (list[1] ?? '').split(',').map(unquote);
    if (values.length > 100)
      throw new FilterError('Error parsing `filter` params: in accepts at most 100 values');
    return { column: column.trim(), op: 'in', values };
  }
  return { column: column.trim(), op: op as FilterOp, values: [raw] };
}

function compare(actual: unknown, expected: string): number | undefined {
  if (actual === null || actual === undefined) return undefined;
  const actualText = typeof actual === 'string' ? actual : JSON.stringify(actual);
  const a = Number(actualText);
  const b = Number(expected);
  if (
    actualText.trim() !== '' &&
    expected.trim() !== '' &&
    Number.isFinite(a) &&
    Number.isFinite(b)
  )
    return a - b;
  return actualText < expected ? -1 : actualText > expected ? 1 : 0;
}

/** Whether `record` passes `filter`; a missing or null column never matches (as in SQL). */
export function matchesFilter(
  filter: RowFilter,
  record: Record<string, unknown> | undefined,
): boolean {
  if (!record || !(filter.column in record)) return false;
  const actual = record[filter.column];
  if (filter.op === 'in') return filter.values.some((value) => compare(actual, value) === 0);
  const order = compare(actual, filter.values[0]!);
  if (order === undefined) return false;
  switch (filter.op) {
    case 'eq':
      return order === 0;
    case 'neq':
      return order !== 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
  }
}
