import type { Column, Schema, Table } from '../model.js';
import { normaliseReferentialAction } from '../model.js';
import type { Queryable } from './queryable.js';

/** MySQL / MariaDB introspection of the connection's current database through information_schema. */
export async function introspectMysql(db: Queryable): Promise<Schema> {
  const tables = await db.query<{ name: string; engine: string | null }>(
    `SELECT TABLE_NAME AS name, ENGINE AS engine FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
  );
  const columns = await db.query<{
    table_name: string;
    name: string;
    column_type: string;
    nullable: string;
    def: string | null;
    extra: string;
    generation: string | null;
    collation: string | null;
    comment: string;
  }>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS def, EXTRA AS extra, GENERATION_EXPRESSION AS generation,
            COLLATION_NAME AS collation, COLUMN_COMMENT AS comment
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const constraints = await db.query<{ table_name: string; name: string; type: string }>(
    `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type
       FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE()`,
  );
  const keyColumns = await db.query<{
    table_name: string;
    name: string;
    column_name: string;
    ref_table: string | null;
    ref_column: string | null;
  }>(
    `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, COLUMN_NAME AS column_name,
            REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
       FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE()
      ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const referential = await db.query<{ name: string; table_name: string; on_delete: string; on_update: string }>(
    `SELECT CONSTRAINT_NAME AS name, TABLE_NAME AS table_name, DELETE_RULE AS on_delete, UPDATE_RULE AS on_update
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
  );
  const checks = await db
    .query<{ table_name: string; name: string; clause: string }>(
      `SELECT tc.TABLE_NAME AS table_name, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
         FROM information_schema.CHECK_CONSTRAINTS cc
         JOIN information_schema.TABLE_CONSTRAINTS tc
           ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
        WHERE cc.CONSTRAINT_SCHEMA = DATABASE()`,
    )
    .catch(() => []);
  const statistics = await db.query<{
    table_name: string;
    name: string;
    non_unique: number | string;
    column_name: string | null;
    expression: string | null;
    method: string;
  }>(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name,
            NULL AS expression, INDEX_TYPE AS method
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );
  const [current] = await db.query<{ db: string }>('SELECT DATABASE() AS db');
  const views = await db.query<{ name: string; definition: string }>(
    `SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition FROM information_schema.VIEWS
      WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
  );

  const byName = new Map<string, Table>();
  for (const row of tables) {
    byName.set(row.name, {
      name: row.name,
      columns: [],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [],
      ...(row.engine ? { options: { engine: row.engine } } : {}),
    });
  }
  for (const row of columns) {
    const table = byName.get(row.table_name);
    if (!table) continue;
    const column: Column = {
      name: row.name,
      type: row.column_type.toLowerCase(),
      nullable: row.nullable === 'YES',
      rawType: row.column_type,
    };
    // MariaDB reports "NULL" (a string) for no default on nullable columns.
    if (row.def !== null && !(row.def === 'NULL' && row.nullable === 'YES')) column.default = row.def;
    if (/auto_increment/i.test(row.extra)) column.autoIncrement = true;
    if (row.generation) column.generated = row.generation;
    if (row.comment) column.comment = row.comment;
    table.columns.push(column);
  }
  const constraintType = new Map(constraints.map((row) => [`${row.table_name}.${row.name}`, row.type]));
  const rules = new Map(referential.map((row) => [`${row.table_name}.${row.name}`, row]));
  const grouped = new Map<string, typeof keyColumns>();
  for (const row of keyColumns) {
    const key = `${row.table_name}.${row.name}`;
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  for (const [key, rows] of grouped) {
    const first = rows[0];
    const table = first ? byName.get(first.table_name) : undefined;
    if (!first || !table) continue;
    const type = constraintType.get(key);
    const cols = rows.map((row) => row.column_name);
    if (type === 'PRIMARY KEY') table.primaryKey = { columns: cols };
    else if (type === 'UNIQUE') table.uniques.push({ name: first.name, columns: cols });
    else if (type === 'FOREIGN KEY' && first.ref_table) {
      const rule = rules.get(key);
      table.foreignKeys.push({
        name: first.name,
        columns: cols,
        referencedTable: first.ref_table,
        referencedColumns: rows.map((row) => row.ref_column ?? ''),
        onDelete: normaliseReferentialAction(rule?.on_delete),
        onUpdate: normaliseReferentialAction(rule?.on_update),
      });
    }
  }
  for (const row of checks) {
    byName.get(row.table_name)?.checks.push({ name: row.name, expression: row.clause });
  }
  const indexGroups = new Map<string, typeof statistics>();
  for (const row of statistics) {
    const key = `${row.table_name}.${row.name}`;
    indexGroups.set(key, [...(indexGroups.get(key) ?? []), row]);
  }
  for (const [key, rows] of indexGroups) {
    const first = rows[0];
    const table = first ? byName.get(first.table_name) : undefined;
    if (!first || !table || first.name === 'PRIMARY') continue;
    // Unique constraints are listed as uniques; FK-backing indexes are real indexes and stay.
    if (constraintType.get(key) === 'UNIQUE') continue;
    table.indexes.push({
      name: first.name,
      columns: rows.map((row) => row.column_name ?? row.expression ?? '?'),
      unique: String(first.non_unique) === '0',
      method: first.method.toLowerCase(),
    });
  }
  return {
    engine: 'mysql',
    tables: [...byName.values()],
    // The engine qualifies every name with the database; without it two databases' views compare equal.
    views: views.map((row) => ({
      name: row.name,
      definition: current?.db ? row.definition.replaceAll(`\`${current.db}\`.`, '') : row.definition,
    })),
    enums: [],
    sequences: [],
  };
}
