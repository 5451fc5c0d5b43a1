import { FilterError, parseFilter } from './filters.js';
import type { ChangeBinding } from './member.js';
import type { TableCatalog } from './tables.js';

const CHANGE_EVENTS = new Set(['*', 'INSERT', 'UPDATE', 'DELETE']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a join's postgres_changes bindings as Realtime does (known event, existing schema,
 * table and filter column, a parsable filter) and gives each an id for the join reply.
 */
export async function parseBindings(
  raw: unknown,
  catalog: TableCatalog,
  nextId: () => number,
): Promise<ChangeBinding[]> {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FilterError('postgres_changes must be a list');
  const bindings: ChangeBinding[] = [];
  for (const entry of raw as unknown[]) {
    if (!isObject(entry)) throw new FilterError('postgres_changes entries must be objects');
    const event = typeof entry.event === 'string' ? entry.event.toUpperCase() : '';
    if (!CHANGE_EVENTS.has(event))
      throw new FilterError(`Unable to subscribe to changes: unknown event ${String(entry.event)}`);
    const schema = typeof entry.schema === 'string' ? entry.schema : 'public';
    const table = typeof entry.table === 'string' ? entry.table : '*';
    const filter =
      typeof entry.filter === 'string' && entry.filter !== ''
        ? parseFilter(entry.filter)
        : undefined;
    if (!(await catalog.schemaExists(schema)))
      throw new FilterError(`Unable to subscribe to changes: schema ${schema} does not exist`);
    if (table !== '*') {
      const info = await catalog.get(schema, table);
      if (!info)
        throw new FilterError(
          `Unable to subscribe to changes: table ${schema}.${table} does not exist`,
        );
      if (filter && !info.columns.some((column) => column.name === filter.column)) {
        throw new FilterError(
          `Unable to subscribe to changes: column ${filter.column} does not exist on ${schema}.${table}`,
        );
      }
    }
    bindings.push({
      id: nextId(),
      event: event as ChangeBinding['event'],
      schema,
      table,
      filter,
    });
  }
  return bindings;
}
