import { readPlannerRowEstimates } from '../engines/postgresql/row-estimates.js';
import { UserError } from '../errors.js';
import type { SchemaSnapshot } from './catalog.js';

/**
 * Reads table sizes (pg_class.reltuples, the planner's estimate) and the column list of every user table from a
 * live PostgreSQL database. The connection is read-only by setting, not by the text of the queries:
 * `default_transaction_read_only=on` is sent as a connection option, so any write would be refused by the server.
 */

export interface DatabaseFacts {
  rowCounts: Record<string, number>;
  snapshot: SchemaSnapshot;
}

const TIMEOUT_MS = 10_000;

export async function readDatabaseFacts(url: string): Promise<DatabaseFacts> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    options: `-c default_transaction_read_only=on -c statement_timeout=${TIMEOUT_MS}`,
    connectionTimeoutMillis: TIMEOUT_MS,
    application_name: 'db-migration-agent (read-only)',
  });
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(
      'database-unreachable',
      `Cannot connect to the database for row counts: ${(error as Error).message}`,
      'Check the URL (postgres://user@host:port/db), that the server is running, and that this machine may connect.',
    );
  }
  try {
    const readOnly = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
    if (readOnly.rows[0]?.transaction_read_only !== 'on') {
      throw new UserError(
        'database-not-read-only',
        'The connection did not become read-only.',
        'Use a PostgreSQL server that honours default_transaction_read_only (PostgreSQL 9.x or later, not a pooler that drops options).',
      );
    }
    const tables = await readPlannerRowEstimates(client);
    const columns = await client.query<{
      schema: string;
      table: string;
      name: string;
      type: string;
      not_null: boolean;
      has_default: boolean;
    }>(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
              format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm', 'f', 'v')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY n.nspname, c.relname, a.attnum`,
    );
    const rowCounts: Record<string, number> = {};
    const byTable = new Map<string, SchemaSnapshot['tables'][number]>();
    for (const row of tables) {
      const key = `${row.schema}.${row.table}`;
      if (row.rows !== undefined) rowCounts[key] = row.rows;
      byTable.set(key, { name: key, columns: [] });
    }
    for (const row of columns.rows) {
      const key = `${row.schema}.${row.table}`;
      const table = byTable.get(key) ?? { name: key, columns: [] };
      byTable.set(key, table);
      table.columns?.push({
        name: row.name,
        type: internalTypeName(row.type),
        notNull: row.not_null,
        hasDefault: row.has_default,
      });
    }
    return { rowCounts, snapshot: { tables: [...byTable.values()] } };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const INTERNAL_NAMES: Record<string, string> = {
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'character varying': 'varchar',
  character: 'bpchar',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
  'bit varying': 'varbit',
};

/** format_type() spelling → the parser's spelling ('character varying(20)' → 'varchar(20)'), as the catalog keys types. */
export function internalTypeName(type: string): string {
  const middle = /^(timestamp|time)\((\d+)\) (with|without) time zone$/.exec(type);
  if (middle) return `${middle[3] === 'with' ? `${middle[1]}tz` : middle[1]}(${middle[2]})`;
  const match = /^([a-z ]+?)(\(.*\))?(\[\])?$/.exec(type);
  if (!match) return type;
  const base = match[1] ?? '';
  let mods = match[2] ?? '';
  const array = match[3] ?? '';
  mods = mods.replace(/\s+/g, '');
  return `${INTERNAL_NAMES[base] ?? base}${mods}${array}`;
}
