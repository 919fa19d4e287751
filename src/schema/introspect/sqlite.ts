import type { Column, Schema, Table } from '../model.js';
import { normaliseReferentialAction } from '../model.js';
import type { Queryable } from './queryable.js';
import { generatedColumns } from './sqlite-generated.js';

/** SQLite introspection through sqlite_schema and the table-valued pragma functions. */
export async function introspectSqlite(db: Queryable): Promise<Schema> {
  const objects = await db.query<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    `SELECT type, name, tbl_name, sql FROM sqlite_master
      WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`,
  );
  const tables: Table[] = [];
  for (const object of objects.filter((row) => row.type === 'table')) {
    const table: Table = { name: object.name, columns: [], indexes: [], uniques: [], checks: [], foreignKeys: [] };
    if (object.sql) table.createSql = object.sql;
    const options = tableOptions(object.sql ?? '');
    if (options) table.options = options;
    const info = await db.query<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
      hidden: number;
    }>('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)', [object.name]);
    const generated = generatedColumns(object.sql ?? '');
    const primary = info.filter((row) => row.pk > 0).sort((a, b) => a.pk - b.pk);
    for (const row of info) {
      const column: Column = {
        name: row.name,
        type: row.type.toLowerCase(),
        nullable: row.notnull === 0 && row.pk === 0,
        rawType: row.type,
      };
      if (row.dflt_value !== null) column.default = row.dflt_value;
      if (row.pk > 0 && primary.length === 1 && row.type.toUpperCase() === 'INTEGER') column.autoIncrement = true;
      if (row.hidden === 2 || row.hidden === 3) {
        const definition = generated.get(row.name);
        column.generated = definition?.expression ?? 'generated';
        column.generatedStorage = row.hidden === 3 ? 'stored' : 'virtual';
      }
      table.columns.push(column);
    }
    if (primary.length > 0) table.primaryKey = { columns: primary.map((row) => row.name) };
    const indexList = await db.query<{ name: string; unique: number; origin: string; partial: number }>(
      'SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name',
      [object.name],
    );
    for (const index of indexList) {
      if (index.origin === 'pk') continue;
      const indexColumns = await db.query<{ name: string | null }>(
        'SELECT name FROM pragma_index_info(?) ORDER BY seqno',
        [index.name],
      );
      const cols = indexColumns.map((row) => row.name ?? '<expression>');
      if (index.origin === 'u') table.uniques.push({ name: index.name, columns: cols });
      else {
        const definition = objects.find((row) => row.type === 'index' && row.name === index.name)?.sql ?? undefined;
        table.indexes.push({
          name: index.name,
          columns: cols,
          unique: index.unique === 1,
          ...(definition ? { definition } : {}),
          ...(index.partial === 1 && definition ? { where: definition.replace(/^[\s\S]*\bWHERE\b/i, '').trim() } : {}),
        });
      }
    }
    const foreignKeys = await db.query<{
      id: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }>('SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq', [
      object.name,
    ]);
    const byId = new Map<number, typeof foreignKeys>();
    for (const row of foreignKeys) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
    for (const [id, rows] of byId) {
      const first = rows[0];
      if (!first) continue;
      table.foreignKeys.push({
        name: `fk_${object.name}_${id}`,
        columns: rows.map((row) => row.from),
        referencedTable: first.table,
        referencedColumns: rows.map((row) => row.to ?? ''),
        onDelete: normaliseReferentialAction(first.on_delete),
        onUpdate: normaliseReferentialAction(first.on_update),
      });
    }
    for (const check of extractChecks(object.sql ?? '')) table.checks.push(check);
    tables.push(table);
  }
  return {
    engine: 'sqlite',
    tables,
    views: objects
      .filter((row) => row.type === 'view')
      .map((row) => ({ name: row.name, definition: (row.sql ?? '').trim() })),
    enums: [],
    sequences: [],
    triggers: objects
      .filter((row) => row.type === 'trigger')
      .map((row) => ({ name: row.name, table: row.tbl_name, definition: (row.sql ?? '').trim() })),
  };
}

/** STRICT and WITHOUT ROWID, the table options SQLite keeps only in the CREATE TABLE text. */
function tableOptions(createSql: string): Record<string, string> | undefined {
  const tail = createSql.slice(createSql.lastIndexOf(')') + 1);
  const options: Record<string, string> = {};
  if (/\bstrict\b/i.test(tail)) options.strict = 'true';
  if (/\bwithout\s+rowid\b/i.test(tail)) options.withoutRowid = 'true';
  return Object.keys(options).length > 0 ? options : undefined;
}

/** CHECK (...) clauses of a CREATE TABLE text with balanced parentheses; SQLite has no catalog for them. */
function extractChecks(createSql: string): { name: string; expression: string }[] {
  const checks: { name: string; expression: string }[] = [];
  const pattern = /(?:CONSTRAINT\s+("?)(\w+)\1\s+)?CHECK\s*\(/gi;
  for (let match = pattern.exec(createSql); match; match = pattern.exec(createSql)) {
    let depth = 1;
    let cursor = match.index + match[0].length;
    const start = cursor;
    while (cursor < createSql.length && depth > 0) {
      const char = createSql[cursor];
      if (char === '(') depth++;
      else if (char === ')') depth--;
      cursor++;
    }
    const expression = createSql.slice(start, cursor - 1).trim();
    checks.push({ name: match[2] ?? `check_${checks.length + 1}`, expression });
  }
  return checks;
}
