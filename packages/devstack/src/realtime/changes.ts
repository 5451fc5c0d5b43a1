import type pg from 'pg';
import { matchesFilter } from './filters.js';
import type { Member } from './member.js';
import { qualified, quoteIdent, type TableCatalog, type TableInfo } from './tables.js';

type Row = Record<string, unknown>;

/** A row change as the capture trigger NOTIFYs it (or parks it in the overflow table). */
export interface CapturedChange {
  s: string;
  t: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  ts: string;
  r: Row | null;
  o: Row | null;
}

function pick(row: Row | null, columns: string[]): Row {
  const picked: Row = {};
  for (const column of columns) if (row && column in row) picked[column] = row[column];
  return picked;
}

/**
 * Fans one change out to the members whose bindings match it and whose JWT may read the row.
 * INSERT/UPDATE: the row is re-read under each distinct set of claims with RLS in force.
 * DELETE: the row is gone, so (as on hosted Realtime) RLS cannot be evaluated; the role must
 * hold SELECT on the table, filters are checked against the full old row server-side, and on
 * RLS tables only the primary key is sent.
 */
export class ChangeDispatcher {
  constructor(
    private readonly client: pg.Client,
    private readonly catalog: TableCatalog,
    private readonly log: (line: string) => void,
  ) {}

  async dispatch(change: CapturedChange, members: Iterable<Member>): Promise<void> {
    const targets: { member: Member; ids: number[] }[] = [];
    for (const member of members) {
      const ids = member.bindings
        .filter(
          (binding) =>
            (binding.event === '*' || binding.event === change.op) &&
            binding.schema === change.s &&
            (binding.table === '*' || binding.table === change.t) &&
            (!binding.filter ||
              matchesFilter(
                binding.filter,
                change.op === 'DELETE' ? (change.o ?? undefined) : (change.r ?? undefined),
              )),
        )
        .map((binding) => binding.id);
      if (ids.length > 0) targets.push({ member, ids });
    }
    if (targets.length === 0) return;
    const info = await this.catalog.get(change.s, change.t);
    if (!info) return;

    const allowed = await this.authorise(
      change,
      info,
      targets.map((target) => target.member),
    );
    const data = this.payloadData(change, info);
    for (const { member, ids } of targets) {
      if (!allowed.has(claimsKey(member))) continue;
      member.outbox.send({
        joinRef: member.joinRef,
        ref: null,
        topic: member.topic,
        event: 'postgres_changes',
        payload: { ids, data },
      });
    }
  }

  private payloadData(change: CapturedChange, info: TableInfo): Row {
    const data: Row = {
      schema: change.s,
      table: change.t,
      commit_timestamp: change.ts,
      type: change.op,
      columns: info.columns,
      errors: null,
    };
    if (change.op !== 'DELETE') data.record = change.r ?? {};
    if (change.op !== 'INSERT') {
      // As hosted Realtime: the old row in full only with REPLICA IDENTITY FULL, and never on an
      // RLS table (the old version may not have been readable by this subscriber).
      const full = info.replicaIdentityFull && !info.rowSecurity;
      data.old_record = full ? (change.o ?? {}) : pick(change.o, info.primaryKey);
    }
    return data;
  }

  /** The claims keys (see claimsKey) allowed to see this change. */
  private async authorise(
    change: CapturedChange,
    info: TableInfo,
    members: Member[],
  ): Promise<Set<string>> {
    const byKey = new Map<string, unknown>();
    for (const member of members) byKey.set(claimsKey(member), member.token.claims);
    const keys = [...byKey.keys()];
    const table = qualified(info.schema, info.table);
    let query: string;
    let arg: unknown;
    if (change.op === 'DELETE') {
      query = `select pg_catalog.has_table_privilege(current_user, $1 ->> 'rel', 'SELECT')`;
      arg = { rel: table };
    } else if (info.primaryKey.length > 0) {
      const columns = info.primaryKey.map((column) => quoteIdent(column)).join(', ');
      query = `select exists (select 1 from ${table} x where (${columns}) = (select ${columns} from jsonb_populate_record(null::${table}, $1)))`;
      arg = change.r;
    } else {
      query = `select exists (select 1 from ${table} x where to_jsonb(x) = $1)`;
      arg = change.r;
    }
    try {
      const { rows } = await this.client.query<{ visible: boolean[] }>(
        'select sightline_realtime.visible($1, $2, $3::jsonb[]) as visible',
        [query, JSON.stringify(arg), keys.map((key) => JSON.stringify(byKey.get(key)))],
      );
      const visible = rows[0]?.visible ?? [];
      return new Set(keys.filter((_, index) => visible[index] === true));
    } catch (error) {
      this.log(
        `realtime: authorising a change on ${table} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return new Set();
    }
  }
}

/** Members with identical claims share one RLS evaluation. */
export function claimsKey(member: Member): string {
  return JSON.stringify(member.token.claims);
}
