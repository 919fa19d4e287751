import { type ColumnDefinition, type DdlStatement, indexColumns } from './ddl-model.js';

/**
 * The columns the migrations checked so far defined (CREATE TABLE, ADD / MODIFY / CHANGE / RENAME / DROP
 * COLUMN), which of them are indexed, and each table's default character set: what a MODIFY of an ENUM or a
 * VARCHAR is compared with to tell an in-place change from a table copy. One per check, shared by its files in
 * order, so a migration sees the tables the earlier ones created.
 */

interface TableColumns {
  columns: Map<string, ColumnDefinition>;
  indexed: Set<string>;
  charset?: string;
  /** SQLite STRICT table: every column's type is checked. */
  strict?: boolean;
}

export class DdlColumns {
  private readonly tables = new Map<string, TableColumns>();

  /** The column's definition before the current statement, when an earlier statement gave it. */
  column(table: string, column: string): ColumnDefinition | undefined {
    return this.tables.get(key(table))?.columns.get(column.toLowerCase());
  }

  indexed(table: string, column: string): boolean {
    return this.tables.get(key(table))?.indexed.has(column.toLowerCase()) ?? false;
  }

  /** A SQLite table created STRICT by an earlier statement. */
  strict(table: string): boolean {
    return this.tables.get(key(table))?.strict ?? false;
  }

  /** The column's character set: its own, else its table's default, when known. */
  charsetOf(table: string, column: ColumnDefinition): string | undefined {
    return column.charset ?? this.tables.get(key(table))?.charset;
  }

  apply(statement: DdlStatement): void {
    if (!statement.table) return;
    if (statement.kind === 'create-table') this.create(statement);
    else if (statement.kind === 'drop-table') this.tables.delete(key(statement.table));
    else if (statement.kind === 'create-index') this.index(statement.table, indexColumns(indexList(statement.sql)));
    else if (statement.kind === 'rename-table' || statement.kind === 'alter-table') this.alter(statement);
  }

  private create(statement: DdlStatement): void {
    const table: TableColumns = { columns: new Map(), indexed: new Set() };
    for (const column of statement.columns ?? []) {
      table.columns.set(column.name.toLowerCase(), column.definition);
      if (column.definition.primaryKey || column.definition.unique) table.indexed.add(column.name.toLowerCase());
    }
    for (const constraint of statement.tableConstraints ?? [])
      if (!/^(?:CHECK|CONSTRAINT\s+\S+\s+CHECK)\b/i.test(constraint))
        for (const column of indexColumns(constraint)) table.indexed.add(column.name.toLowerCase());
    const options = statement.sql.slice(statement.sql.lastIndexOf(')') + 1);
    const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*(\w+)/i.exec(options);
    if (charset?.[1]) table.charset = charset[1].toLowerCase();
    if (/\bSTRICT\b/i.test(options)) table.strict = true;
    this.tables.set(key(statement.table ?? ''), table);
  }

  private index(tableName: string, columns: ReadonlyArray<{ name: string }>): void {
    const table = this.tables.get(key(tableName));
    for (const column of columns) table?.indexed.add(column.name.toLowerCase());
  }

  private alter(statement: DdlStatement): void {
    let name = statement.table ?? '';
    for (const action of statement.actions) {
      const table = this.tables.get(key(name));
      if (action.type === 'rename-table') {
        if (table) {
          this.tables.delete(key(name));
          this.tables.set(key(action.newName), table);
        }
        name = action.newName;
      }
      if (!table) continue;
      if (action.type === 'add-column') table.columns.set(action.column.toLowerCase(), action.definition);
      if (action.type === 'drop-column') table.columns.delete(action.column.toLowerCase());
      if (action.type === 'modify-column') {
        table.columns.delete(action.column.toLowerCase());
        table.columns.set((action.newName ?? action.column).toLowerCase(), action.definition);
      }
      if (action.type === 'rename-column') {
        const definition = table.columns.get(action.column.toLowerCase());
        table.columns.delete(action.column.toLowerCase());
        if (definition) table.columns.set(action.newName.toLowerCase(), definition);
      }
      if (action.type === 'add-index') this.index(name, action.columns);
      if (action.type === 'table-option') {
        const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*(\w+)/i.exec(action.text);
        if (charset?.[1]) table.charset = charset[1].toLowerCase();
      }
    }
  }
}

/** `db.t` and `t` are the same table here: migrations rarely name the database. */
function key(table: string): string {
  return (table.split('.').pop() ?? table).toLowerCase();
}

/** `CREATE INDEX i ON t (a, b(10))` → `(a, b(10))`. */
function indexList(sql: string): string {
  const on = /\bON\s+\S+?\s*(\()/i.exec(sql);
  return on ? sql.slice(on.index + on[0].length - 1) : '';
}

const shared = new WeakMap<object, DdlColumns>();

/** The column memory of one check: shared through the check's catalog object, fresh without one. */
export function columnsOf(check: object | undefined): DdlColumns {
  if (!check) return new DdlColumns();
  let columns = shared.get(check);
  if (!columns) {
    columns = new DdlColumns();
    shared.set(check, columns);
  }
  return columns;
}
