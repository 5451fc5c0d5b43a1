import type pg from 'pg';

/** What the change feed needs to know about a table, read from the catalog and cached. */
export interface TableInfo {
  schema: string;
  table: string;
  columns: { name: string; type: string }[];
  primaryKey: string[];
  rowSecurity: boolean;
  replicaIdentityFull: boolean;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Catalog lookups, cached until the database reports DDL (see the event trigger). */
export class TableCatalog {
  private readonly cache = new Map<string, Promise<TableInfo | undefined>>();

  constructor(private readonly client: pg.Client) {}

  invalidate(): void {
    this.cache.clear();
  }

  get(schema: string, table: string): Promise<TableInfo | undefined> {
    const key = qualified(schema, table);
    let info = this.cache.get(key);
    if (!info) {
      info = this.load(schema, table);
      this.cache.set(key, info);
      info.catch(() => this.cache.delete(key));
    }
    return info;
  }

  async schemaExists(schema: string): Promise<boolean> {
    const { rows } = await this.client.query('select 1 from pg_namespace where nspname = $1', [
      schema,
    ]);
    return rows.length > 0;
  }

  private async load(schema: string, table: string): Promise<TableInfo | undefined> {
    const { rows: rel } = await this.client.query<{
      oid: number;
      relrowsecurity: boolean;
      relreplident: string;
    }>(
      `select c.oid::int as oid, c.relrowsecurity, c.relreplident::text as relreplident
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
      [schema, table],
    );
    const found = rel[0];
    if (!found) return undefined;
    const { rows: columns } = await this.client.query<{ name: string; type: string }>(
      `select a.attname as name, t.typname as type from pg_attribute a join pg_type t on t.oid = a.atttypid
       where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [found.oid],
    );
    const { rows: key } = await this.client.query<{ name: string }>(
      `select a.attname as name from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = $1 and i.indisprimary order by array_position(i.indkey, a.attnum)`,
      [found.oid],
    );
    return {
      schema,
      table,
      columns,
      primaryKey: key.map((row) => row.name),
      rowSecurity: found.relrowsecurity,
      replicaIdentityFull: found.relreplident === 'f',
    };
  }
}
