import type {
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Index,
  Schema,
  Sequence,
  Table,
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

function namespaceOf(nspname: string): string | undefined {
  return nspname === 'public' ? undefined : nspname;
}

function qualified(nspname: string, name: string): string {
  return nspname === 'public' ? name : `${nspname}.${name}`;
}

export async function introspectPostgres(db: Queryable): Promise<Schema> {
  const tableRows = await db.query<{ oid: number; nspname: string; relname: string; relkind: string }>(
    `SELECT c.oid::int AS oid, n.nspname, c.relname, c.relkind::text AS relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_NAMESPACES}
      ORDER BY n.nspname, c.relname`,
  );
  const columns = await db.query<{
    relid: number;
    attname: string;
    type: string;
    notnull: boolean;
    def: string | null;
    identity: string;
    generated: string;
    collation: string | null;
  }>(
    `SELECT a.attrelid::int AS relid, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS def,
            a.attidentity::text AS identity, a.attgenerated::text AS generated,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_NAMESPACES}
      ORDER BY a.attrelid, a.attnum`,
  );
  const generatedExpr = await db.query<{ relid: number; attname: string; expr: string }>(
    `SELECT a.attrelid::int AS relid, a.attname, pg_get_expr(d.adbin, d.adrelid) AS expr
       FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attgenerated <> '' AND ${USER_NAMESPACES}`,
  );
  const constraints = await db.query<{
    relid: number;
    conname: string;
    contype: string;
    columns: string[] | null;
    def: string;
    validated: boolean;
    refnsp: string | null;
    reftable: string | null;
    refcolumns: string[] | null;
    ondelete: string;
    onupdate: string;
  }>(
    `SELECT con.conrelid::int AS relid, con.conname, con.contype::text AS contype,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            pg_get_constraintdef(con.oid) AS def, con.convalidated AS validated,
            rn.nspname AS refnsp, rc.relname AS reftable,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS refcolumns,
            con.confdeltype::text AS ondelete, con.confupdtype::text AS onupdate
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = con.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype IN ('p', 'u', 'c', 'f') AND ${USER_NAMESPACES}
      ORDER BY con.conrelid, con.conname`,
  );
  const indexes = await db.query<{
    relid: number;
    name: string;
    unique: boolean;
    constraint_backed: boolean;
    method: string;
    columns: string[];
    predicate: string | null;
    definition: string;
  }>(
    `SELECT i.indrelid::int AS relid, ic.relname AS name, i.indisunique AS unique,
            EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')) AS constraint_backed,
            am.amname AS method,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true)
                    FROM generate_series(1, i.indnkeyatts) AS k(ord) ORDER BY k.ord) AS columns,
            pg_get_expr(i.indpred, i.indrelid) AS predicate,
            pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_am am ON am.oid = ic.relam
      WHERE ${USER_NAMESPACES}
      ORDER BY i.indrelid, ic.relname`,
  );

  const generatedByColumn = new Map(generatedExpr.map((row) => [`${row.relid}.${row.attname}`, row.expr]));
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
    if (row.def !== null) column.default = row.def;
    if (row.identity !== '' || (row.def ?? '').startsWith('nextval(')) column.autoIncrement = true;
    const generated = generatedByColumn.get(`${row.relid}.${row.attname}`);
    if (generated) column.generated = generated;
    if (row.collation) column.collation = row.collation;
    table.columns.push(column);
  }
  for (const row of constraints) {
    const table = tables.get(row.relid);
    if (!table) continue;
    const cols = row.columns ?? [];
    if (row.contype === 'p') table.primaryKey = { name: row.conname, columns: cols };
    else if (row.contype === 'u') table.uniques.push({ name: row.conname, columns: cols } satisfies UniqueConstraint);
    else if (row.contype === 'c')
      table.checks.push({
        name: row.conname,
        expression: row.def.replace(/^CHECK /, '').replace(/ NOT VALID$/, ''),
        validated: row.validated,
      } satisfies CheckConstraint);
    else if (row.contype === 'f')
      table.foreignKeys.push({
        name: row.conname,
        columns: cols,
        referencedTable: qualified(row.refnsp ?? 'public', row.reftable ?? ''),
        referencedColumns: row.refcolumns ?? [],
        onDelete: normaliseReferentialAction(row.ondelete),
        onUpdate: normaliseReferentialAction(row.onupdate),
        validated: row.validated,
      } satisfies ForeignKey);
  }
  for (const row of indexes) {
    const table = tables.get(row.relid);
    if (!table || row.constraint_backed) continue;
    const index: Index = {
      name: row.name,
      columns: row.columns,
      unique: row.unique,
      method: row.method,
      definition: row.definition,
    };
    if (row.predicate) index.where = row.predicate;
    table.indexes.push(index);
  }

  const views = await db.query<{ nspname: string; relname: string; relkind: string; definition: string }>(
    `SELECT n.nspname, c.relname, c.relkind::text AS relkind, pg_get_viewdef(c.oid, true) AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND ${USER_NAMESPACES} ORDER BY n.nspname, c.relname`,
  );
  const enums = await db.query<{ nspname: string; typname: string; labels: string[] }>(
    `SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' AND ${USER_NAMESPACES} ORDER BY n.nspname, t.typname`,
  );
  const sequences = await db.query<{
    nspname: string;
    relname: string;
    owner_table: string | null;
    owner_column: string | null;
  }>(
    `SELECT n.nspname, c.relname, oc.relname AS owner_table, a.attname AS owner_column
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class oc ON oc.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE c.relkind = 'S' AND ${USER_NAMESPACES} ORDER BY n.nspname, c.relname`,
  );

  return {
    engine: 'postgresql',
    tables: [...tables.values()],
    views: views.map((row): View => {
      const namespace = namespaceOf(row.nspname);
      return {
        name: row.relname,
        ...(namespace ? { namespace } : {}),
        definition: row.definition.trim(),
        ...(row.relkind === 'm' ? { materialized: true } : {}),
      };
    }),
    enums: enums.map((row): EnumType => {
      const namespace = namespaceOf(row.nspname);
      return { name: row.typname, ...(namespace ? { namespace } : {}), values: row.labels };
    }),
    sequences: sequences.map((row): Sequence => {
      const namespace = namespaceOf(row.nspname);
      return {
        name: row.relname,
        ...(namespace ? { namespace } : {}),
        ...(row.owner_table && row.owner_column ? { ownedBy: `${row.owner_table}.${row.owner_column}` } : {}),
      };
    }),
  };
}

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
