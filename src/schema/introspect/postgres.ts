import type {
  CheckConstraint,
  Column,
  Domain,
  EnumType,
  Extension,
  ForeignKey,
  Grant,
  Index,
  Policy,
  Routine,
  Schema,
  Sequence,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model.js';
import { normaliseReferentialAction } from '../model.js';
import type { Queryable } from './queryable.js';

/**
 * PostgreSQL introspection through pg_catalog only (no information_schema views, no extensions), so the same
 * queries run on a PostgreSQL server and on PGlite. Objects in `public` carry no namespace.
 */

const USER_NAMESPACES = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/** Objects an extension created (its functions, types, tables) belong to the extension, not to the schema. */
function notExtensionMember(oidColumn: string, catalog: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '${catalog}'::regclass AND ext.objid = ${oidColumn} AND ext.deptype = 'e')`;
}

function namespaceOf(nspname: string): string | undefined {
  return nspname === 'public' ? undefined : nspname;
}

function qualified(nspname: string, name: string): string {
  return nspname === 'public' ? name : `${nspname}.${name}`;
}

export async function introspectPostgres(db: Queryable): Promise<Schema> {
  // Catalog columns newer than the oldest supported server are read directly where they exist: converting whole
  // catalog rows to JSON to probe for them cost more than any other part of a 300-table introspection.
  const [server] = await db.query<{ version: number }>(`SELECT current_setting('server_version_num')::int AS version`);
  const version = server?.version ?? 0;
  const nullsNotDistinct = (index: string) => (version >= 150000 ? `${index}.indnullsnotdistinct` : 'false');
  const notTriggerClone = version >= 130000 ? 't.tgparentid = 0' : 'true';
  const tableRows = await db.query<{
    oid: number;
    nspname: string;
    relname: string;
    relkind: string;
    comment: string | null;
    rls: boolean;
    rls_forced: boolean;
    partkey: string | null;
    parent_nsp: string | null;
    parent: string | null;
    bound: string | null;
  }>(
    `SELECT c.oid::int AS oid, n.nspname, c.relname, c.relkind::text AS relkind,
            obj_description(c.oid, 'pg_class') AS comment, c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced,
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
            pn.nspname AS parent_nsp, pc.relname AS parent,
            CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND c.relispartition
       LEFT JOIN pg_class pc ON pc.oid = inh.inhparent
       LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_NAMESPACES} AND ${notExtensionMember('c.oid', 'pg_class')}
      ORDER BY n.nspname, c.relname`,
  );
  const columns = await db.query<{
    relid: number;
    attnum: number;
    attname: string;
    type: string;
    notnull: boolean;
    def: string | null;
    identity: string;
    generated: string;
    collation: string | null;
    comment: string | null;
  }>(
    `SELECT a.attrelid::int AS relid, a.attnum::int AS attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def,
            a.attidentity::text AS identity, a.attgenerated::text AS generated,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
            ds.description AS comment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
      WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_NAMESPACES}
      ORDER BY a.attrelid, a.attnum`,
  );
  const constraints = await db.query<{
    relid: number;
    conname: string;
    contype: string;
    keys: number[] | null;
    refrelid: number;
    refkeys: number[] | null;
    /** Only for checks and exclusions, the kinds read from their definition. */
    def: string | null;
    validated: boolean;
    refnsp: string | null;
    reftable: string | null;
    ondelete: string;
    onupdate: string;
    deferrable: boolean;
    deferred: boolean;
    nulls_not_distinct: boolean | null;
  }>(
    `SELECT con.conrelid::int AS relid, con.conname, con.contype::text AS contype,
            con.conkey::int[] AS keys, con.confrelid::int AS refrelid, con.confkey::int[] AS refkeys,
            CASE WHEN con.contype IN ('c', 'x') THEN pg_get_constraintdef(con.oid) END AS def, con.convalidated AS validated,
            rn.nspname AS refnsp, rc.relname AS reftable,
            con.confdeltype::text AS ondelete, con.confupdtype::text AS onupdate,
            con.condeferrable AS deferrable, con.condeferred AS deferred,
            CASE WHEN con.contype = 'u' THEN (SELECT ${nullsNotDistinct('ci')} FROM pg_index ci WHERE ci.indexrelid = con.conindid) END AS nulls_not_distinct
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = con.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conparentid = 0 AND ${USER_NAMESPACES}
      ORDER BY con.conrelid, con.conname`,
  );
  const indexes = await db.query<{
    relid: number;
    name: string;
    unique: boolean;
    method: string;
    columns: string[];
    predicate: string | null;
    definition: string;
    include: string[];
    nulls_not_distinct: boolean | null;
  }>(
    `SELECT i.indrelid::int AS relid, ic.relname AS name, i.indisunique AS unique,
            am.amname AS method,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true)
                    FROM generate_series(1, i.indnkeyatts) AS k(ord) ORDER BY k.ord) AS columns,
            pg_get_expr(i.indpred, i.indrelid) AS predicate,
            pg_get_indexdef(i.indexrelid) AS definition,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true)
                    FROM generate_series(i.indnkeyatts + 1, i.indnatts) AS k(ord) ORDER BY k.ord) AS include,
            ${nullsNotDistinct('i')} AS nulls_not_distinct
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_am am ON am.oid = ic.relam
      WHERE ${USER_NAMESPACES} AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = i.indexrelid)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
        AND ${notExtensionMember('c.oid', 'pg_class')}
      ORDER BY i.indrelid, ic.relname`,
  );
  // The owner's own privileges are implicit (and differ between a shadow and a real database): left out.
  const grants = await db.query<{ relid: number; grantee: string; privilege: string; grantable: boolean }>(
    `SELECT c.oid::int AS relid, CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE r.rolname::text END AS grantee,
            acl.privilege_type AS privilege, acl.is_grantable AS grantable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL aclexplode(c.relacl) acl
       LEFT JOIN pg_roles r ON r.oid = acl.grantee
      WHERE c.relkind IN ('r', 'p') AND c.relacl IS NOT NULL AND acl.grantee <> c.relowner AND ${USER_NAMESPACES}
      ORDER BY 1, 2, 3`,
  );

  const tables = new Map<number, Table>();
  for (const row of tableRows) {
    const namespace = namespaceOf(row.nspname);
    tables.set(row.oid, {
      name: row.relname,
      ...(namespace ? { namespace } : {}),
      columns: [],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [],
      ...(row.relkind === 'p' ? { options: { partitioned: 'true' } } : {}),
      ...(row.comment !== null ? { comment: row.comment } : {}),
      ...(row.partkey ? { partitionKey: row.partkey } : {}),
      ...(row.parent && row.bound
        ? { partitionOf: { parent: qualified(row.parent_nsp ?? 'public', row.parent), bound: row.bound } }
        : {}),
      ...(row.rls || row.rls_forced ? { rowSecurity: { enabled: row.rls, forced: row.rls_forced } } : {}),
    });
  }
  for (const row of columns) {
    const table = tables.get(row.relid);
    if (!table) continue;
    const column: Column = {
      name: row.attname,
      type: normalisePostgresType(row.type),
      nullable: !row.notnull,
      rawType: row.type,
    };
    const generated = row.generated !== '' ? (row.def ?? undefined) : undefined;
    if (row.def !== null && !generated) column.default = row.def;
    if (row.identity !== '' || (row.def ?? '').startsWith('nextval(')) column.autoIncrement = true;
    if (row.identity === 'a') column.identity = 'always';
    else if (row.identity === 'd') column.identity = 'by default';
    if (row.comment !== null) column.comment = row.comment;
    if (generated) column.generated = generated;
    if (row.collation) column.collation = row.collation;
    table.columns.push(column);
  }
  // Constraint columns come as attribute numbers, named from the columns already read (no query per constraint).
  const columnNames = new Map<number, Map<number, string>>();
  for (const row of columns) {
    const names = columnNames.get(row.relid) ?? new Map<number, string>();
    names.set(row.attnum, row.attname);
    columnNames.set(row.relid, names);
  }
  const named = (relid: number, keys: number[] | null) =>
    (keys ?? []).map((key) => columnNames.get(relid)?.get(key) ?? String(key));
  for (const row of constraints) {
    const table = tables.get(row.relid);
    if (!table) continue;
    const cols = named(row.relid, row.keys);
    if (row.contype === 'p') table.primaryKey = { name: row.conname, columns: cols };
    else if (row.contype === 'u')
      table.uniques.push({
        name: row.conname,
        columns: cols,
        ...(row.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
      } satisfies UniqueConstraint);
    else if (row.contype === 'x') {
      table.exclusions ??= [];
      table.exclusions.push({ name: row.conname, definition: row.def ?? '' });
    } else if (row.contype === 'c')
      table.checks.push({
        name: row.conname,
        expression: (row.def ?? '').replace(/^CHECK /, '').replace(/ NOT VALID$/, ''),
        validated: row.validated,
      } satisfies CheckConstraint);
    else if (row.contype === 'f')
      table.foreignKeys.push({
        name: row.conname,
        columns: cols,
        referencedTable: qualified(row.refnsp ?? 'public', row.reftable ?? ''),
        referencedColumns: named(row.refrelid, row.refkeys),
        onDelete: normaliseReferentialAction(row.ondelete),
        onUpdate: normaliseReferentialAction(row.onupdate),
        validated: row.validated,
        ...(row.deferrable ? { deferrable: true } : {}),
        ...(row.deferred ? { initiallyDeferred: true } : {}),
      } satisfies ForeignKey);
  }
  for (const row of grants) {
    const table = tables.get(row.relid);
    if (!table) continue;
    table.grants ??= [];
    table.grants.push({
      grantee: row.grantee,
      privilege: row.privilege,
      ...(row.grantable ? { grantable: true } : {}),
    } satisfies Grant);
  }
  for (const row of indexes) {
    const table = tables.get(row.relid);
    if (!table) continue;
    const index: Index = {
      name: row.name,
      columns: row.columns,
      unique: row.unique,
      method: row.method,
      definition: row.definition,
    };
    if (row.predicate) index.where = row.predicate;
    if (row.include.length > 0) index.include = row.include;
    if (row.nulls_not_distinct) index.nullsNotDistinct = true;
    table.indexes.push(index);
  }

  const views = await db.query<{
    nspname: string;
    relname: string;
    relkind: string;
    definition: string;
    comment: string | null;
    depends: string[];
  }>(
    `SELECT n.nspname, c.relname, c.relkind::text AS relkind, pg_get_viewdef(c.oid, true) AS definition,
            obj_description(c.oid, 'pg_class') AS comment,
            ARRAY(SELECT DISTINCT CASE WHEN dn.nspname = 'public' THEN dc.relname::text ELSE dn.nspname || '.' || dc.relname END
                    FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    JOIN pg_class dc ON dc.oid = d.refobjid AND d.refclassid = 'pg_class'::regclass
                    JOIN pg_namespace dn ON dn.oid = dc.relnamespace
                   WHERE r.ev_class = c.oid AND dc.oid <> c.oid) AS depends
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND ${USER_NAMESPACES} AND ${notExtensionMember('c.oid', 'pg_class')}
      ORDER BY n.nspname, c.relname`,
  );
  const enums = await db.query<{ nspname: string; typname: string; labels: string[] }>(
    `SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' AND ${USER_NAMESPACES} AND ${notExtensionMember('t.oid', 'pg_type')}
      ORDER BY n.nspname, t.typname`,
  );
  const sequences = await db.query<{
    nspname: string;
    relname: string;
    owner_table: string | null;
    owner_nsp: string | null;
    owner_column: string | null;
    deptype: string | null;
    type: string;
    start: string;
    increment: string;
    min: string;
    max: string;
    cache: string;
    cycle: boolean;
  }>(
    `SELECT n.nspname, c.relname, oc.relname AS owner_table, on_.nspname AS owner_nsp, a.attname AS owner_column,
            d.deptype::text AS deptype, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
            s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
            s.seqcache::text AS cache, s.seqcycle AS cycle
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_sequence s ON s.seqrelid = c.oid
       LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class oc ON oc.oid = d.refobjid
       LEFT JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE c.relkind = 'S' AND ${USER_NAMESPACES} AND ${notExtensionMember('c.oid', 'pg_class')}
      ORDER BY n.nspname, c.relname`,
  );
  const extensions = await db.query<{ extname: string; nspname: string; version: string }>(
    `SELECT e.extname, n.nspname, e.extversion AS version
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname <> 'plpgsql' ORDER BY e.extname`,
  );
  const namespaces = await db.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_namespace n
      WHERE ${USER_NAMESPACES} AND n.nspname <> 'public' AND ${notExtensionMember('n.oid', 'pg_namespace')}
      ORDER BY n.nspname`,
  );
  const domains = await db.query<{
    oid: number;
    nspname: string;
    typname: string;
    type: string;
    notnull: boolean;
    def: string | null;
    collation: string | null;
    checks: { name: string; expression: string }[] | null;
  }>(
    `SELECT t.oid::int AS oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod) AS type,
            t.typnotnull AS notnull, t.typdefault AS def,
            CASE WHEN t.typcollation <> bt.typcollation THEN co.collname END AS collation,
            (SELECT json_agg(json_build_object('name', con.conname, 'expression', regexp_replace(pg_get_constraintdef(con.oid), '^CHECK ', '')) ORDER BY con.conname)
               FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_type bt ON bt.oid = t.typbasetype
       LEFT JOIN pg_collation co ON co.oid = t.typcollation
      WHERE t.typtype = 'd' AND ${USER_NAMESPACES} AND ${notExtensionMember('t.oid', 'pg_type')}
      ORDER BY n.nspname, t.typname`,
  );
  const routines = await db.query<{
    nspname: string;
    proname: string;
    prokind: string;
    args: string;
    returns: string | null;
    definition: string | null;
  }>(
    `SELECT n.nspname, p.proname, p.prokind::text AS prokind, pg_get_function_identity_arguments(p.oid) AS args,
            CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns,
            CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) END AS definition
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${USER_NAMESPACES} AND ${notExtensionMember('p.oid', 'pg_proc')}
      ORDER BY n.nspname, p.proname, args`,
  );
  const triggers = await db.query<{
    nspname: string;
    relname: string;
    tgname: string;
    definition: string;
    enabled: string;
  }>(
    `SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition, t.tgenabled::text AS enabled
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND ${notTriggerClone} AND ${USER_NAMESPACES}
        AND ${notExtensionMember('c.oid', 'pg_class')}
      ORDER BY n.nspname, c.relname, t.tgname`,
  );
  const policies = await db.query<{
    nspname: string;
    relname: string;
    polname: string;
    cmd: string;
    permissive: boolean;
    roles: string[];
    qual: string | null;
    with_check: string | null;
  }>(
    `SELECT n.nspname, c.relname, p.polname, p.polcmd::text AS cmd, p.polpermissive AS permissive,
            ARRAY(SELECT CASE WHEN pr.oid = 0 THEN 'public' ELSE r.rolname::text END
                    FROM unnest(p.polroles) AS pr(oid) LEFT JOIN pg_roles r ON r.oid = pr.oid ORDER BY 1) AS roles,
            pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
       FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NAMESPACES} ORDER BY n.nspname, c.relname, p.polname`,
  );

  const sequenceModels = sequences.map((row): Sequence => {
    const namespace = namespaceOf(row.nspname);
    return {
      name: row.relname,
      ...(namespace ? { namespace } : {}),
      ...(row.owner_table && row.owner_column
        ? { ownedBy: `${qualified(row.owner_nsp ?? 'public', row.owner_table)}.${row.owner_column}` }
        : {}),
      ...(row.deptype === 'i' ? { identity: true } : {}),
      options: {
        type: row.type,
        start: row.start,
        increment: row.increment,
        min: row.min,
        max: row.max,
        cache: row.cache,
        cycle: row.cycle,
      },
    };
  });
  attachIdentityOptions([...tables.values()], sequenceModels);

  return {
    engine: 'postgresql',
    grantsKnown: true,
    tables: [...tables.values()],
    views: views.map((row): View => {
      const namespace = namespaceOf(row.nspname);
      return {
        name: row.relname,
        ...(namespace ? { namespace } : {}),
        definition: row.definition.trim(),
        ...(row.relkind === 'm' ? { materialized: true } : {}),
        ...(row.depends.length > 0 ? { dependsOn: [...row.depends].sort() } : {}),
        ...(row.comment !== null ? { comment: row.comment } : {}),
      };
    }),
    enums: enums.map((row): EnumType => {
      const namespace = namespaceOf(row.nspname);
      return { name: row.typname, ...(namespace ? { namespace } : {}), values: row.labels };
    }),
    sequences: sequenceModels,
    extensions: extensions.map((row): Extension => {
      const namespace = namespaceOf(row.nspname);
      return { name: row.extname, ...(namespace ? { namespace } : {}), version: row.version };
    }),
    namespaces: namespaces.map((row) => row.nspname),
    domains: domains.map((row): Domain => {
      const namespace = namespaceOf(row.nspname);
      return {
        name: row.typname,
        ...(namespace ? { namespace } : {}),
        type: row.type,
        notNull: row.notnull,
        ...(row.def !== null ? { default: row.def } : {}),
        ...(row.collation ? { collation: row.collation } : {}),
        checks: row.checks ?? [],
      };
    }),
    routines: routines.map((row): Routine => {
      const namespace = namespaceOf(row.nspname);
      return {
        name: row.proname,
        ...(namespace ? { namespace } : {}),
        kind: ROUTINE_KINDS[row.prokind] ?? 'function',
        arguments: row.args,
        ...(row.returns !== null ? { returns: row.returns } : {}),
        definition: (row.definition ?? '').trim(),
      };
    }),
    triggers: triggers.map(
      (row): Trigger => ({
        name: row.tgname,
        table: qualified(row.nspname, row.relname),
        definition: row.definition,
        ...(row.enabled === 'D' ? { enabled: false } : {}),
      }),
    ),
    policies: policies.map(
      (row): Policy => ({
        name: row.polname,
        table: qualified(row.nspname, row.relname),
        command: POLICY_COMMANDS[row.cmd] ?? 'all',
        permissive: row.permissive,
        roles: row.roles,
        ...(row.qual !== null ? { using: row.qual } : {}),
        ...(row.with_check !== null ? { withCheck: row.with_check } : {}),
      }),
    ),
  };
}

/** An identity column's sequence options live on the column: they are part of its definition. */
function attachIdentityOptions(tables: Table[], sequences: Sequence[]): void {
  const columns = new Map<string, Column>();
  for (const table of tables)
    for (const column of table.columns)
      if (column.identity)
        columns.set(`${table.namespace ? `${table.namespace}.` : ''}${table.name}.${column.name}`, column);
  for (const sequence of sequences) {
    if (!sequence.identity || !sequence.ownedBy || !sequence.options) continue;
    const column = columns.get(sequence.ownedBy);
    if (column) column.identityOptions = sequence.options;
  }
}

const ROUTINE_KINDS: Record<string, Routine['kind']> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const POLICY_COMMANDS: Record<string, Policy['command']> = {
  '*': 'all',
  r: 'select',
  a: 'insert',
  w: 'update',
  d: 'delete',
};

const POSTGRES_TYPE_ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'char',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'double precision': 'float8',
  real: 'float4',
  boolean: 'bool',
  smallint: 'int2',
  integer: 'int4',
  bigint: 'int8',
};

/** `character varying(80)` → `varchar(80)`, `integer[]` → `int4[]`: one spelling per type. */
export function normalisePostgresType(formatted: string): string {
  const match = /^([a-z ]+?)(\(.*\))?((?:\[\])*)$/.exec(formatted.toLowerCase());
  if (!match) return formatted.toLowerCase();
  const base = match[1] ?? '';
  return `${POSTGRES_TYPE_ALIASES[base] ?? base}${match[2] ?? ''}${match[3] ?? ''}`;
}
