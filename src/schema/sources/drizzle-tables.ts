import { UserError } from '../../errors.js';
import { loadProjectModule, requireFromProject } from '../../sources/loader.js';

/**
 * Runs inside the sandbox only: loads the project's Drizzle schema module and reads each exported table with
 * drizzle-orm's own getTableConfig (the project's installed drizzle-orm, the one its tables were built with), into
 * plain data the parent turns into DDL. Defaults and expressions are rendered to SQL by drizzle's dialect.
 */

export type DrizzleDialect = 'pg' | 'sqlite' | 'mysql';

export interface DrizzleColumnInfo {
  name: string;
  /** drizzle's own SQL type: `serial`, `varchar(50)`, `numeric(10, 2)`, `timestamp with time zone`. */
  type: string;
  notNull: boolean;
  primary: boolean;
  /** The default as SQL, absent when there is none (or only a runtime `$defaultFn`). */
  default?: string;
  autoIncrement?: boolean;
  /** `.unique()` on the column: the constraint's name. */
  unique?: string;
}

export interface DrizzleTableInfo {
  /** Export name in the schema module (`users`), which the seed writer imports. */
  exportName: string;
  name: string;
  schema?: string;
  columns: DrizzleColumnInfo[];
  primaryKeys: { name: string; columns: string[] }[];
  uniques: { name: string; columns: string[] }[];
  indexes: { name: string; columns: string[]; unique: boolean; where?: string; method?: string }[];
  foreignKeys: {
    name: string;
    columns: string[];
    foreignTable: string;
    foreignColumns: string[];
    onDelete?: string;
    onUpdate?: string;
  }[];
  checks: { name: string; expression: string }[];
}

export interface DrizzleSchemaInfo {
  dialect: DrizzleDialect;
  tables: DrizzleTableInfo[];
  enums: { name: string; values: string[] }[];
}

// biome-ignore lint/suspicious/noExplicitAny: drizzle-orm's classes are loaded at run time, from the project
type Any = any;

const CORE: Record<DrizzleDialect, { module: string; table: string; dialect: string }> = {
  pg: { module: 'drizzle-orm/pg-core', table: 'PgTable', dialect: 'PgDialect' },
  sqlite: { module: 'drizzle-orm/sqlite-core', table: 'SQLiteTable', dialect: 'SQLiteSyncDialect' },
  mysql: { module: 'drizzle-orm/mysql-core', table: 'MySqlTable', dialect: 'MySqlDialect' },
};

export async function describeDrizzleSchema(root: string, file: string): Promise<DrizzleSchemaInfo> {
  const exports = await loadProjectModule(file);
  const orm = requireFromProject<Any>(root, 'drizzle-orm').module;
  const found = Object.entries(exports).filter(([, value]) => value && orm.is(value, orm.Table));
  if (found.length === 0)
    throw new UserError(
      'drizzle-no-tables',
      `${file} exports no Drizzle table (pgTable / sqliteTable / mysqlTable).`,
      'Point at the schema module drizzle.config names, the one that exports the tables.',
      { file },
    );
  const dialect = (Object.keys(CORE) as DrizzleDialect[]).find((candidate) => {
    const core = requireFromProject<Any>(root, CORE[candidate].module).module;
    return orm.is(found[0]?.[1], core[CORE[candidate].table]);
  });
  if (!dialect)
    throw new UserError('drizzle-dialect-unknown', `The tables in ${file} are of no known Drizzle dialect.`, '', {
      file,
    });
  const core = requireFromProject<Any>(root, CORE[dialect].module).module;
  const sqlDialect = new core[CORE[dialect].dialect]();
  const toSql = (value: Any) => renderSql(orm, sqlDialect, value);
  const tables = found
    .filter(([, value]) => orm.is(value, core[CORE[dialect].table]))
    .map(([exportName, value]) => describeTable(exportName, core.getTableConfig(value), orm, toSql));
  const enums =
    dialect === 'pg'
      ? Object.values(exports)
          .filter((value: Any) => typeof value === 'function' && value.enumName && Array.isArray(value.enumValues))
          .map((value: Any) => ({ name: value.enumName as string, values: [...value.enumValues] as string[] }))
      : [];
  return { dialect, tables, enums };
}

function describeTable(exportName: string, config: Any, orm: Any, toSql: (value: Any) => string): DrizzleTableInfo {
  const columnName = (column: Any) => (orm.is(column, orm.SQL) ? toSql(column) : (column.name as string));
  return {
    exportName,
    name: config.name,
    ...(config.schema ? { schema: config.schema } : {}),
    columns: config.columns.map((column: Any) => {
      const info: DrizzleColumnInfo = {
        name: column.name,
        type: column.getSQLType(),
        notNull: column.notNull === true,
        primary: column.primary === true,
      };
      if (column.default !== undefined) info.default = defaultSql(orm, column.default, toSql);
      if (column.autoIncrement) info.autoIncrement = true;
      if (column.isUnique) info.unique = column.uniqueName ?? `${config.name}_${column.name}_unique`;
      return info;
    }),
    primaryKeys: config.primaryKeys.map((key: Any) => ({
      name: key.getName(),
      columns: key.columns.map(columnName),
    })),
    uniques: config.uniqueConstraints.map((unique: Any) => ({
      name: unique.getName(),
      columns: unique.columns.map(columnName),
    })),
    indexes: config.indexes.map((index: Any) => ({
      name: index.config.name,
      columns: index.config.columns.map(columnName),
      unique: index.config.unique === true,
      ...(index.config.where ? { where: toSql(index.config.where) } : {}),
      ...(index.config.method && index.config.method !== 'btree' ? { method: index.config.method } : {}),
    })),
    foreignKeys: config.foreignKeys.map((key: Any) => {
      const reference = key.reference();
      return {
        name: key.getName(),
        columns: reference.columns.map(columnName),
        foreignTable: orm.getTableName(reference.foreignTable),
        foreignColumns: reference.foreignColumns.map(columnName),
        ...(key.onDelete ? { onDelete: key.onDelete } : {}),
        ...(key.onUpdate ? { onUpdate: key.onUpdate } : {}),
      };
    }),
    checks: config.checks.map((check: Any) => ({ name: check.name, expression: toSql(check.value) })),
  };
}

/** A column default as SQL: drizzle's `sql` as the dialect prints it, a JS value as its literal. */
function defaultSql(orm: Any, value: unknown, toSql: (value: Any) => string): string {
  if (orm.is(value, orm.SQL)) return toSql(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

/** drizzle's SQL rendered by the dialect, its parameters inlined as literals (DDL takes no parameters). */
function renderSql(orm: Any, dialect: Any, value: Any): string {
  const query = dialect.sqlToQuery(orm.is(value, orm.SQL) ? value : orm.sql`${value}`);
  let index = 0;
  return (query.sql as string).replace(/\$\d+|\?/g, () => {
    const param = query.params[index++];
    return typeof param === 'number' ? String(param) : `'${String(param).replace(/'/g, "''")}'`;
  });
}
