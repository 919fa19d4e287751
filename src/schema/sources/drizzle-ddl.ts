import type { DrizzleSchemaInfo, DrizzleTableInfo } from './drizzle-tables.js';

/**
 * The DDL a Drizzle schema stands for, as drizzle-kit would create it from nothing: enums, tables with their
 * keys, uniques and checks, then foreign keys and indexes. Applied to a shadow and read back, it gives the schema
 * model in exactly the terms of every other source (an introspected database, a replayed migration history).
 */
export function drizzleDdl(info: DrizzleSchemaInfo): string[] {
  const quote = (name: string) => (info.dialect === 'pg' ? `"${name.replace(/"/g, '""')}"` : `\`${name}\``);
  const list = (columns: string[]) =>
    columns.map((column) => (/^\w+$/.test(column) ? quote(column) : column)).join(', ');
  const tableName = (table: { name: string; schema?: string }) =>
    table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
  const statements: string[] = [];
  for (const schema of new Set(info.tables.flatMap((table) => (table.schema ? [table.schema] : []))))
    statements.push(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  for (const item of info.enums)
    statements.push(
      `CREATE TYPE ${quote(item.name)} AS ENUM (${item.values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')})`,
    );
  const foreignKeyClause = (key: DrizzleTableInfo['foreignKeys'][number]) =>
    `CONSTRAINT ${quote(key.name)} FOREIGN KEY (${list(key.columns)}) REFERENCES ${quote(key.foreignTable)} (${list(key.foreignColumns)})` +
    `${key.onDelete ? ` ON DELETE ${key.onDelete}` : ''}${key.onUpdate ? ` ON UPDATE ${key.onUpdate}` : ''}`;
  for (const table of info.tables) {
    const parts = table.columns.map((column) => {
      // NOT NULL and DEFAULT first: MySQL wants AUTO_INCREMENT and PRIMARY KEY after them.
      let line = `${quote(column.name)} ${column.type}`;
      if (column.notNull) line += ' NOT NULL';
      if (column.default !== undefined)
        line += ` DEFAULT ${info.dialect === 'sqlite' ? `(${column.default})` : column.default}`;
      // MySQL's serial is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE already.
      if (column.autoIncrement && info.dialect === 'mysql' && column.type !== 'serial') line += ' AUTO_INCREMENT';
      if (column.primary) line += ' PRIMARY KEY';
      if (column.primary && column.autoIncrement && info.dialect === 'sqlite') line += ' AUTOINCREMENT';
      return line;
    });
    for (const key of table.primaryKeys) parts.push(`CONSTRAINT ${quote(key.name)} PRIMARY KEY (${list(key.columns)})`);
    const uniques = [
      ...table.columns.flatMap((column) => (column.unique ? [{ name: column.unique, columns: [column.name] }] : [])),
      ...table.uniques,
    ];
    // SQLite has no ALTER TABLE ADD CONSTRAINT: its keys stand in the table (drizzle-kit writes them there too).
    if (info.dialect === 'sqlite') parts.push(...table.foreignKeys.map(foreignKeyClause));
    if (info.dialect !== 'sqlite')
      for (const unique of uniques) parts.push(`CONSTRAINT ${quote(unique.name)} UNIQUE (${list(unique.columns)})`);
    for (const check of table.checks) parts.push(`CONSTRAINT ${quote(check.name)} CHECK (${check.expression})`);
    statements.push(`CREATE TABLE ${tableName(table)} (\n  ${parts.join(',\n  ')}\n)`);
    if (info.dialect === 'sqlite')
      for (const unique of uniques)
        statements.push(`CREATE UNIQUE INDEX ${quote(unique.name)} ON ${quote(table.name)} (${list(unique.columns)})`);
  }
  for (const table of info.tables) {
    if (info.dialect !== 'sqlite')
      for (const key of table.foreignKeys)
        statements.push(`ALTER TABLE ${tableName(table)} ADD ${foreignKeyClause(key)}`);
    for (const index of table.indexes) {
      const method = index.method && info.dialect === 'pg' ? ` USING ${index.method}` : '';
      statements.push(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quote(index.name)} ON ${tableName(table)}${method} (${list(index.columns)})${index.where ? ` WHERE ${index.where}` : ''}`,
      );
    }
  }
  return statements;
}
