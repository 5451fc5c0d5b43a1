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

interface Target {
  member: Member;
  ids: number[];
  key: string;
}

/** Changes of one table and kind checked for one set of claims by a single query. */
interface Check {
  key: string;
  query: string;
  changes: number[];
  rows: unknown[];
}

/** Members with identical claims share one RLS evaluation. */
export function claimsKey(member: Member): string {
  return JSON.stringify(member.token.claims);
}

function pick(row: Row | null, columns: string[]): Row {
  const picked: Row = {};
  for (const column of columns) if (row && column in row) picked[column] = row[column];
  return picked;
}

function matchingTargets(change: CapturedChange, members: Iterable<Member>): Target[] {
  const row = (change.op === 'DELETE' ? change.o : change.r) ?? undefined;
  const targets: Target[] = [];
  for (const member of members) {
    const ids = member.bindings
      .filter(
        (binding) =>
          (binding.event === '*' || binding.event === change.op) &&
          binding.schema === change.s &&
          (binding.table === '*' || binding.table === change.t) &&
          (!binding.filter || matchesFilter(binding.filter, row)),
      )
      .map((binding) => binding.id);
    if (ids.length > 0) targets.push({ member, ids, key: claimsKey(member) });
  }
  return targets;
}

/**
 * The SQL that decides which of a JSON array of rows the subscriber's role sees (run under its
 * claims): it returns their 1-based positions. Row changes are matched by primary key.
 */
function visibilityQuery(op: CapturedChange['op'], info: TableInfo): string {
  const table = qualified(info.schema, info.table);
  const rows = `jsonb_array_elements($1) with ordinality r(rec, ord)`;
  if (op === 'DELETE') {
    return `select case when pg_catalog.has_table_privilege(current_user, '${table.replace(/'/g, "''")}', 'SELECT')
      then (select array_agg(ord::int) from ${rows}) end`;
  }
  if (info.primaryKey.length > 0) {
    // The typed key comes from a lateral record, so the probe is a plain column comparison that
    // the primary key's index answers. (A row comparison with a subquery, `(a, b) = (select …)`,
    // is no index condition: with a composite key it compared every change with every row.)
    const key = (alias: string) =>
      info.primaryKey.map((c) => `${alias}.${quoteIdent(c)}`).join(', ');
    return `select array_agg(ord::int) from ${rows}
      cross join lateral jsonb_populate_record(null::${table}, r.rec) p
      where exists (select 1 from ${table} x where (${key('x')}) = (${key('p')}))`;
  }
  return `select array_agg(ord::int) from ${rows} where exists (select 1 from ${table} x where to_jsonb(x) = r.rec)`;
}

function payloadData(change: CapturedChange, info: TableInfo): Row {
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
    // The capture trigger sends an update's old row only when it goes out whole; otherwise the
    // key comes from the new row (the same unless the update changed the key).
    data.old_record = full ? (change.o ?? {}) : pick(change.o ?? change.r, info.primaryKey);
  }
  return data;
}

/**
 * Fans changes out to the members whose bindings match and whose JWT may read the row, in
 * commit order. INSERT/UPDATE: the row is re-read under each distinct set of claims with RLS
 * in force — one database round trip for a whole batch of changes. DELETE: the row is gone, so
 * (as on hosted Realtime) RLS cannot be evaluated; the role must hold SELECT on the table,
 * filters are checked against the full old row server-side, and on RLS tables only the primary
 * key is sent.
 */
export class ChangeDispatcher {
  constructor(
    private readonly client: pg.Client,
    private readonly catalog: TableCatalog,
    private readonly log: (line: string) => void,
  ) {}

  async dispatch(changes: CapturedChange[], members: Iterable<Member>): Promise<void> {
    const memberList = [...members];
    const plans: { change: CapturedChange; info: TableInfo; targets: Target[] }[] = [];
    const checks = new Map<string, Check>();
    for (const change of changes) {
      const targets = matchingTargets(change, memberList);
      if (targets.length === 0) continue;
      const info = await this.catalog.get(change.s, change.t);
      if (!info) continue;
      const index = plans.push({ change, info, targets }) - 1;
      const query = visibilityQuery(change.op, info);
      for (const key of new Set(targets.map((target) => target.key))) {
        const id = `${key}\u0000${query}`;
        let check = checks.get(id);
        if (!check) checks.set(id, (check = { key, query, changes: [], rows: [] }));
        check.changes.push(index);
        check.rows.push(change.op === 'DELETE' ? null : change.r);
      }
    }
    if (plans.length === 0) return;
    const allowed = await this.authorise([...checks.values()]);
    for (const [index, { change, info, targets }] of plans.entries()) {
      const data = payloadData(change, info);
      for (const { member, ids, key } of targets) {
        if (!allowed.has(`${index}\u0000${key}`)) continue;
        member.outbox.send({
          joinRef: member.joinRef,
          ref: null,
          topic: member.topic,
          event: 'postgres_changes',
          payload: { ids, data },
        });
      }
    }
  }

  /** Runs every check in one call; returns the `change\0claims` pairs that may see their change. */
  private async authorise(checks: Check[]): Promise<Set<string>> {
    // Grouped by claims, so the function switches role once per subscriber identity.
    checks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    try {
      const { rows } = await this.client.query<{ visible: number[][] }>(
        'select sightline_realtime.visible_rows($1::text[], $2::jsonb[], $3::jsonb[]) as visible',
        [
          checks.map((check) => check.query),
          checks.map((check) => JSON.stringify(check.rows)),
          checks.map((check) => check.key),
        ],
      );
      const visible = rows[0]?.visible ?? [];
      const allowed = new Set<string>();
      checks.forEach((check, i) => {
        for (const position of visible[i] ?? [])
          allowed.add(`${check.changes[position - 1]}\u0000${check.key}`);
      });
      return allowed;
    } catch (error) {
      this.log(
        `realtime: authorising changes failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return new Set();
    }
  }
}
