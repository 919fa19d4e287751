import type { Engine, MigrationFormat } from '../model.js';
import type { Schema, Table } from '../schema/model.js';

/**
 * What to run around a rollback by hand: the backup to take before the step that loses data, and the read-only
 * queries that show, afterwards, that the data is whole (row counts, restored values, constraints, orphans,
 * index validity, the tool's history row). Everything here is read from the schemas before and after the up.
 */

export interface VerifyQuery {
  /** What the query shows and what result is expected. */
  check: string;
  sql: string;
}

/** Tables whose definition the migration changes, creates or drops, plus those its data statements touch. */
export function touchedTables(before: Schema, after: Schema, dataTables: string[] = []): string[] {
  const names = new Set<string>();
  const was = new Map(before.tables.map((table) => [qualified(table), table]));
  const now = new Map(after.tables.map((table) => [qualified(table), table]));
  for (const name of new Set([...was.keys(), ...now.keys()]))
    if (JSON.stringify(was.get(name)) !== JSON.stringify(now.get(name))) names.add(name);
  for (const name of dataTables) if (was.has(name)) names.add(name);
  return [...names];
}

export function verificationQueries(
  engine: Engine,
  before: Schema,
  after: Schema,
  touched: string[],
  format: MigrationFormat,
): VerifyQuery[] {
  const queries: VerifyQuery[] = [];
  const was = new Map(before.tables.map((table) => [qualified(table), table]));
  const now = new Map(after.tables.map((table) => [qualified(table), table]));
  const restored = touched.map((name) => was.get(name)).filter((table): table is Table => table !== undefined);
  if (restored.length > 0)
    queries.push({
      check: 'row counts of the touched tables: equal to the counts taken just before the rollback',
      sql: restored
        .map(
          (table) => `SELECT '${qualified(table)}' AS table_name, count(*) AS row_count FROM ${quote(engine, table)}`,
        )
        .join('\nUNION ALL\n'),
    });
  for (const table of restored) {
    const later = now.get(qualified(table));
    const kept = new Set(later?.columns.map((column) => column.name));
    const returned = later ? table.columns.filter((column) => !kept.has(column.name)) : [];
    for (const column of returned)
      queries.push({
        check: `${qualified(table)}.${column.name} came back: 0 NULLs expected${column.nullable ? ' where it had values' : ''}, else restore its values from the backup`,
        sql: `SELECT count(*) AS nulls FROM ${quote(engine, table)} WHERE ${ident(engine, column.name)} IS NULL`,
      });
    const laterChecks = new Set(later?.checks.map((check) => check.name));
    for (const check of table.checks.filter((item) => !laterChecks.has(item.name)))
      queries.push({
        check: `CHECK ${check.name} holds: 0 rows expected`,
        sql: `SELECT count(*) AS violations FROM ${quote(engine, table)} WHERE NOT (${check.expression.replace(/^CHECK\s*/i, '')})`,
      });
  }
  for (const table of before.tables)
    for (const key of table.foreignKeys) {
      if (!touched.includes(qualified(table)) && !touched.includes(key.referencedTable)) continue;
      const child = quote(engine, table);
      const parent = quoteName(engine, key.referencedTable);
      const join = key.columns
        .map(
          (column, index) => `p.${ident(engine, key.referencedColumns[index] ?? column)} = c.${ident(engine, column)}`,
        )
        .join(' AND ');
      const first = ident(engine, key.referencedColumns[0] ?? key.columns[0] ?? 'id');
      queries.push({
        check: `no orphans for ${qualified(table)}.${key.name}: 0 rows expected`,
        sql: `SELECT count(*) AS orphans FROM ${child} c LEFT JOIN ${parent} p ON ${join} WHERE ${key.columns.map((column) => `c.${ident(engine, column)} IS NOT NULL`).join(' AND ')} AND p.${first} IS NULL`,
      });
    }
  if (engine === 'postgresql' && restored.length > 0)
    queries.push({
      check: 'every index of the touched tables is valid: no rows expected',
      sql: `SELECT indexrelid::regclass AS invalid_index FROM pg_index WHERE NOT indisvalid AND indrelid IN (${restored.map((table) => `'${quote(engine, table).replaceAll("'", "''")}'::regclass`).join(', ')})`,
    });
  if (engine === 'sqlite' && restored.length > 0)
    queries.push({ check: 'foreign keys hold: no rows expected', sql: 'PRAGMA foreign_key_check' });
  const history = HISTORY_TABLES[format];
  if (history)
    queries.push({
      check: `the migration is no longer recorded as applied in ${history.table}`,
      sql: `SELECT * FROM ${history.table} ORDER BY ${history.order} DESC LIMIT 3`,
    });
  return queries;
}

const HISTORY_TABLES: Partial<Record<MigrationFormat, { table: string; order: string }>> = {
  knex: { table: 'knex_migrations', order: 'id' },
  prisma: { table: '_prisma_migrations', order: 'started_at' },
  drizzle: { table: '__drizzle_migrations', order: 'created_at' },
  'golang-migrate': { table: 'schema_migrations', order: 'version' },
  dbmate: { table: 'schema_migrations', order: 'version' },
  sqlx: { table: '_sqlx_migrations', order: 'version' },
  goose: { table: 'goose_db_version', order: 'id' },
  flyway: { table: 'flyway_schema_history', order: 'installed_rank' },
  alembic: { table: 'alembic_version', order: 'version_num' },
  django: { table: 'django_migrations', order: 'id' },
  sequelize: { table: '"SequelizeMeta"', order: 'name' },
  typeorm: { table: 'migrations', order: 'id' },
  'node-pg-migrate': { table: 'pgmigrations', order: 'id' },
  liquibase: { table: 'databasechangelog', order: 'orderexecuted' },
};

/** The backup of exactly the tables a step loses data from, for the engine's own tool. */
export function backupCommand(engine: Engine, tables: string[], label: string): string {
  const file = `before-${label.replace(/[^\w.-]+/g, '_')}`;
  if (engine === 'sqlite') return `sqlite3 <database-file> ".backup ${file}.sqlite3"`;
  if (engine === 'mysql' || engine === 'mariadb')
    return `mysqldump --single-transaction <database> ${tables.join(' ')} > ${file}.sql`;
  // pg_dump folds an unquoted -t pattern to lower case: mixed-case names (Prisma's "Post") keep their quotes.
  const patterns = tables.map(
    (table) =>
      `-t '${table
        .split('.')
        .map((part) => (/^[a-z_][a-z0-9_]*$/.test(part) ? part : `"${part}"`))
        .join('.')}'`,
  );
  return `pg_dump -Fc ${patterns.join(' ')} -f ${file}.dump "$DATABASE_URL"`;
}

export function qualified(table: { name: string; namespace?: string }): string {
  return table.namespace ? `${table.namespace}.${table.name}` : table.name;
}

function quote(engine: Engine, table: Table): string {
  return quoteName(engine, qualified(table));
}

function quoteName(engine: Engine, name: string): string {
  return name
    .split('.')
    .map((part) => ident(engine, part))
    .join('.');
}

function ident(engine: Engine, name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) return name;
  return engine === 'mysql' || engine === 'mariadb'
    ? `\`${name.replaceAll('`', '``')}\``
    : `"${name.replaceAll('"', '""')}"`;
}
