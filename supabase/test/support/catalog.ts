// A database's schema as the catalogs describe it, in a form two databases can be compared
// with: what Sightline owns (the schemas public and private), the policies on any table
// (realtime.messages has two), and the publications. Order-independent where Postgres's own
// order depends on history (privileges are exploded and sorted; dropped columns are gone), but
// column order is kept: it is what `select *` and `insert` without a column list see.
import type pg from 'pg';

const SCHEMAS = `('public', 'private')`;

/** Privileges as sorted "grantee:privilege[*]" entries (NULL = the object kind's defaults). */
const acl = (column: string, kind: string, owner: string) => `(
  select coalesce(array_agg(x order by x), '{}') from (
    select coalesce(r.rolname, 'PUBLIC') || ':' || a.privilege_type
      || case when a.is_grantable then '*' else '' end as x
    from aclexplode(coalesce(${column}, acldefault('${kind}', ${owner}))) a
    left join pg_roles r on r.oid = a.grantee) p)`;

const QUERIES: Record<string, string> = {
  schemas: `
    select n.nspname || ' owner ' || pg_get_userbyid(n.nspowner) || ' ' ||
      ${acl('n.nspacl', 'n', 'n.nspowner')}::text
    from pg_namespace n where n.nspname in ${SCHEMAS}`,
  relations: `
    select n.nspname || '.' || c.relname || ' kind ' || c.relkind::text
      || ' owner ' || pg_get_userbyid(c.relowner)
      || ' rls ' || c.relrowsecurity || '/' || c.relforcerowsecurity
      || ' options ' || coalesce(c.reloptions::text, '{}')
      || ' replica ' || c.relreplident::text
      || ' acl ' || ${acl('c.relacl', 'r', 'c.relowner')}::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ${SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`,
  columns: `
    select n.nspname || '.' || c.relname || ': ' || string_agg(
      a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        || case when a.attnotnull then ' not null' else '' end
        || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
        || case when a.attidentity::text <> '' then ' identity ' || a.attidentity::text else '' end
        || case when a.attgenerated::text <> '' then ' generated' else '' end
        || coalesce(' collate ' || nullif(a.attcollation, 0)::regcollation::text, '')
        || coalesce(' acl ' || (select array_agg(x order by x)::text from (
             select coalesce(r.rolname, 'PUBLIC') || ':' || e.privilege_type as x
             from aclexplode(a.attacl) e left join pg_roles r on r.oid = e.grantee) p), ''),
      ', ' order by a.attnum)
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname in ${SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
      and a.attnum > 0 and not a.attisdropped
    group by n.nspname, c.relname`,
  constraints: `
    select n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || k.contype::text || ' ' || pg_get_constraintdef(k.oid)
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ${SCHEMAS}`,
  indexes: `
    select pg_get_indexdef(i.indexrelid) || coalesce(' with ' || c.reloptions::text, '')
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ${SCHEMAS}`,
  types: `
    select n.nspname || '.' || t.typname || ' ' || t.typtype::text || ' owner '
      || pg_get_userbyid(t.typowner) || coalesce(' enum ' || (
        select array_agg(e.enumlabel order by e.enumsortorder)::text
        from pg_enum e where e.enumtypid = t.oid), '')
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname in ${SCHEMAS} and t.typtype in ('c', 'e', 'd')
      and (t.typrelid = 0 or (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')`,
  functions: `
    select pg_get_functiondef(p.oid) || ' -- owner ' || pg_get_userbyid(p.proowner)
      || ' acl ' || ${acl('p.proacl', 'f', 'p.proowner')}::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ${SCHEMAS} and p.prokind in ('f', 'p', 'w')`,
  aggregates: `
    select p.oid::regprocedure::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ${SCHEMAS} and p.prokind = 'a'`,
  policies: `
    select p.schemaname || '.' || p.tablename || ' ' || p.policyname || ' ' || p.permissive
      || ' ' || p.cmd || ' to ' || p.roles::text || ' using ' || coalesce(p.qual, '-')
      || ' check ' || coalesce(p.with_check, '-')
    from pg_policies p`,
  triggers: `
    select pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
    where not t.tgisinternal and n.nspname in ${SCHEMAS}`,
  publications: `
    select p.pubname || ' ' || coalesce(t.schemaname || '.' || t.tablename, '(no tables)')
    from pg_publication p left join pg_publication_tables t on t.pubname = p.pubname`,
  default_privileges: `
    select pg_get_userbyid(d.defaclrole) || ' ' || coalesce(n.nspname, '*') || ' '
      || d.defaclobjtype::text || ' ' || ${acl('d.defaclacl', 'r', 'd.defaclrole')}::text
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace`,
  comments: `
    select d.classoid::regclass || ' ' || coalesce(
      (select n.nspname || '.' || c.relname from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where c.oid = d.objoid),
      (select p.oid::regprocedure::text from pg_proc p where p.oid = d.objoid),
      d.objoid::text) || ' ' || d.objsubid || ' ' || d.description
    from pg_description d
    where d.classoid in ('pg_class'::regclass, 'pg_proc'::regclass)
      and exists (
        select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.oid = d.objoid and n.nspname in ${SCHEMAS}
        union all
        select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.oid = d.objoid and n.nspname in ${SCHEMAS})`,
};

export type Catalog = Record<string, string[]>;

/** The schema of the database `db` is connected to, one sorted list of lines per object kind. */
export async function catalog(db: pg.ClientBase): Promise<Catalog> {
  const out: Catalog = {};
  for (const [kind, sql] of Object.entries(QUERIES)) {
    const { rows } = await db.query<{ line: string }>(
      `select x as line from (${sql}) as q(x) order by 1`,
    );
    out[kind] = rows.map((row) => row.line);
  }
  return out;
}
