import { quoteIdentifier as ident } from '../../engines/sqlite/identifiers.js';
import type { Column, Schema, Table } from '../model.js';
import { answeredRenames, operation, type PlannedOperation, same } from './operation.js';
import type { RenameAnswer } from './types.js';

/**
 * The SQLite plan. SQLite alters little in place (add, drop and rename a column; rename a table), so any other
 * change of a table rebuilds it: the new table created, the common columns copied, the old one dropped and the
 * new one renamed, then its indexes and triggers created again (SQLite's documented twelve-step procedure).
 * Views are dropped before and created after any rebuild, because a rename fails while a view names a missing
 * table.
 */

const PHASE = {
  rename: 0,
  dropTrigger: 1,
  dropView: 2,
  dropIndex: 3,
  createTable: 4,
  alterTable: 5,
  dropTable: 6,
  createIndex: 7,
  createView: 8,
  createTrigger: 9,
} as const;

export function planSqlite(before: Schema, after: Schema, renames: RenameAnswer[]): PlannedOperation[] {
  const ops: PlannedOperation[] = answeredRenames(
    renames,
    PHASE.rename,
    ident,
    (from, to) => `ALTER TABLE ${from} RENAME TO ${to}`,
  );
  const a = new Map(before.tables.map((table) => [table.name, table]));
  const b = new Map(after.tables.map((table) => [table.name, table]));
  const rebuilt = new Set<string>();
  for (const [name, table] of b) {
    const old = a.get(name);
    if (!old) {
      ops.push(operation(PHASE.createTable, 'create-table', name, 'safe', 'new table', [createTableSql(table)]));
      continue;
    }
    if (needsRebuild(old, table)) {
      rebuilt.add(name);
      ops.push(rebuildTable(old, table));
      continue;
    }
    for (const column of table.columns) {
      if (old.columns.some((item) => item.name === column.name)) continue;
      ops.push(
        operation(PHASE.alterTable, 'add-column', `${name}.${column.name}`, 'safe', 'column added in place', [
          `ALTER TABLE ${ident(name)} ADD COLUMN ${columnSql(column, table)}`,
        ]),
      );
    }
    for (const column of old.columns) {
      if (table.columns.some((item) => item.name === column.name)) continue;
      ops.push(
        operation(
          PHASE.alterTable,
          'drop-column',
          `${name}.${column.name}`,
          'dangerous',
          'column removed: its values are deleted',
          [`ALTER TABLE ${ident(name)} DROP COLUMN ${ident(column.name)}`],
          { hazards: ['data-loss'], dataLoss: `every value of ${name}.${column.name} (${column.type})` },
        ),
      );
    }
  }
  for (const [name, table] of a) {
    if (b.has(name)) continue;
    ops.push(
      operation(
        PHASE.dropTable,
        'drop-table',
        name,
        'dangerous',
        'table removed: every row is deleted',
        [`DROP TABLE ${ident(name)}`],
        {
          hazards: ['data-loss'],
          dataLoss: `every row of ${name} (${table.columns.length} column(s): ${table.columns.map((column) => column.name).join(', ')})`,
        },
      ),
    );
  }
  planIndexes(ops, before, after, rebuilt);
  planViewsAndTriggers(ops, before, after, rebuilt);
  return ops;
}

/** Anything beyond adding a plain column or dropping an unreferenced one. */
function needsRebuild(old: Table, table: Table): boolean {
  if (!same(old.primaryKey?.columns, table.primaryKey?.columns)) return true;
  if (!same(old.uniques.map(strip), table.uniques.map(strip))) return true;
  if (
    !same(
      old.checks.map((check) => check.expression),
      table.checks.map((check) => check.expression),
    )
  )
    return true;
  if (!same(old.foreignKeys.map(strip), table.foreignKeys.map(strip))) return true;
  if (!same(old.options, table.options)) return true;
  for (const column of table.columns) {
    const was = old.columns.find((item) => item.name === column.name);
    if (was && !same(columnFacts(was), columnFacts(column))) return true;
    if (!was && !column.nullable && column.default === undefined) return true;
    if (!was && (column.generated || /\(/.test(column.default ?? ''))) return true;
  }
  const referenced = new Set([
    ...table.indexes.flatMap((index) => index.columns),
    ...old.indexes.flatMap((index) => index.columns),
  ]);
  return old.columns.some(
    (column) => !table.columns.some((item) => item.name === column.name) && referenced.has(column.name),
  );
}

/** Generated names (fk_<table>_<n>) depend on order; compare what the key does. */
function strip<T extends { name: string }>(item: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = item;
  return rest;
}

function columnFacts(column: Column): unknown {
  return {
    type: column.type,
    nullable: column.nullable,
    default: column.default,
    generated: column.generated,
    generatedStorage: column.generatedStorage,
  };
}

function rebuildTable(old: Table, table: Table): PlannedOperation {
  const name = table.name;
  const temporary = `${name}__new`;
  const common = table.columns
    .filter((column) => !column.generated && old.columns.some((item) => item.name === column.name && !item.generated))
    .map((column) => ident(column.name));
  const lost = old.columns.filter((column) => !table.columns.some((item) => item.name === column.name));
  const narrowed = table.columns.filter((column) => {
    const was = old.columns.find((item) => item.name === column.name);
    return was?.nullable === true && !column.nullable;
  });
  const sql = [
    createTableSql(table, temporary),
    `INSERT INTO ${ident(temporary)} (${common.join(', ')}) SELECT ${common.join(', ')} FROM ${ident(name)}`,
    `DROP TABLE ${ident(name)}`,
    `ALTER TABLE ${ident(temporary)} RENAME TO ${ident(name)}`,
  ];
  return operation(
    PHASE.alterTable,
    'rebuild-table',
    name,
    lost.length > 0 ? 'dangerous' : 'careful',
    `SQLite cannot alter this in place: the table is rebuilt and its rows copied${narrowed.length > 0 ? `; NULLs in ${narrowed.map((column) => column.name).join(', ')} make the copy fail` : ''}`,
    sql,
    {
      hazards: [
        'table-rewrite',
        'blocks-writes',
        'dependent-objects',
        ...(narrowed.length > 0 ? (['may-fail-on-data'] as const) : []),
        ...(lost.length > 0 ? (['data-loss'] as const) : []),
      ],
      ...(lost.length > 0
        ? { dataLoss: `every value of ${lost.map((column) => `${name}.${column.name}`).join(', ')}` }
        : {}),
    },
  );
}

function planIndexes(ops: PlannedOperation[], before: Schema, after: Schema, rebuilt: Set<string>): void {
  const indexes = (schema: Schema) =>
    new Map(schema.tables.flatMap((table) => table.indexes.map((index) => [index.name, { table, index }] as const)));
  const a = indexes(before);
  const b = indexes(after);
  for (const [name, { table, index }] of a) {
    const next = b.get(name);
    if (rebuilt.has(table.name) || !after.tables.some((item) => item.name === table.name)) continue;
    if (
      next &&
      same(next.index.columns, index.columns) &&
      next.index.unique === index.unique &&
      next.index.where === index.where
    )
      continue;
    ops.push(
      operation(PHASE.dropIndex, 'drop-index', `${table.name}.${name}`, 'safe', 'index removed or changed', [
        `DROP INDEX ${ident(name)}`,
      ]),
    );
  }
  for (const [name, { table, index }] of b) {
    const was = a.get(name);
    if (
      !rebuilt.has(table.name) &&
      was &&
      same(was.index.columns, index.columns) &&
      was.index.unique === index.unique &&
      was.index.where === index.where
    )
      continue;
    const sql =
      index.definition ??
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${ident(name)} ON ${ident(table.name)} (${index.columns.map(ident).join(', ')})${index.where ? ` WHERE ${index.where}` : ''}`;
    ops.push(
      operation(
        PHASE.createIndex,
        'create-index',
        `${table.name}.${name}`,
        index.unique ? 'careful' : 'safe',
        index.unique ? 'unique index: fails on duplicates' : 'index built',
        [sql],
        { hazards: index.unique ? ['may-fail-on-data'] : [] },
      ),
    );
  }
}

function planViewsAndTriggers(ops: PlannedOperation[], before: Schema, after: Schema, rebuilt: Set<string>): void {
  const rebuildAll = rebuilt.size > 0 || renamesPresent(ops);
  const a = new Map(before.views.map((view) => [view.name, view]));
  const b = new Map(after.views.map((view) => [view.name, view]));
  for (const [name, view] of a) {
    if (!rebuildAll && b.get(name)?.definition === view.definition) continue;
    ops.push(
      operation(PHASE.dropView, 'drop-view', name, 'safe', b.has(name) ? 'dropped to be recreated' : 'view removed', [
        `DROP VIEW ${ident(name)}`,
      ]),
    );
  }
  for (const [name, view] of b) {
    if (!rebuildAll && a.get(name)?.definition === view.definition) continue;
    ops.push(
      operation(PHASE.createView, 'create-view', name, 'safe', a.has(name) ? 'view recreated' : 'new view', [
        view.definition.replace(/;\s*$/, ''),
      ]),
    );
  }
  const key = (trigger: { table: string; name: string }) => trigger.name;
  const ta = new Map((before.triggers ?? []).map((trigger) => [key(trigger), trigger]));
  const tb = new Map((after.triggers ?? []).map((trigger) => [key(trigger), trigger]));
  for (const [name, trigger] of ta) {
    if (tb.get(name)?.definition === trigger.definition && !rebuilt.has(trigger.table)) continue;
    if (rebuilt.has(trigger.table) || !after.tables.some((table) => table.name === trigger.table)) continue;
    ops.push(
      operation(PHASE.dropTrigger, 'drop-trigger', name, 'careful', 'trigger removed or changed', [
        `DROP TRIGGER ${ident(name)}`,
      ]),
    );
  }
  for (const [name, trigger] of tb) {
    if (ta.get(name)?.definition === trigger.definition && !rebuilt.has(trigger.table)) continue;
    ops.push(
      operation(
        PHASE.createTrigger,
        'create-trigger',
        name,
        'careful',
        'trigger created: it runs on every matching write',
        [trigger.definition.replace(/;\s*$/, '')],
      ),
    );
  }
}

function renamesPresent(ops: PlannedOperation[]): boolean {
  return ops.some((op) => op.kind === 'rename-table');
}

/** The table's own CREATE TABLE text when introspected (exact), under another name when rebuilding. */
function createTableSql(table: Table, as?: string): string {
  if (table.createSql) {
    if (!as) return table.createSql;
    return table.createSql.replace(
      /^(\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[^\s(]+)/i,
      `$1${ident(as)}`,
    );
  }
  const parts = table.columns.map((column) => columnSql(column, table));
  const inlinePk = table.columns.some((column) => column.autoIncrement);
  if (table.primaryKey && !inlinePk) parts.push(`PRIMARY KEY (${table.primaryKey.columns.map(ident).join(', ')})`);
  for (const unique of table.uniques) parts.push(`UNIQUE (${unique.columns.map(ident).join(', ')})`);
  for (const check of table.checks) parts.push(`CONSTRAINT ${ident(check.name)} CHECK (${check.expression})`);
  for (const fk of table.foreignKeys)
    parts.push(
      `FOREIGN KEY (${fk.columns.map(ident).join(', ')}) REFERENCES ${ident(fk.referencedTable)} (${fk.referencedColumns.map(ident).join(', ')}) ON DELETE ${fk.onDelete.toUpperCase()} ON UPDATE ${fk.onUpdate.toUpperCase()}`,
    );
  return `CREATE TABLE ${ident(as ?? table.name)} (\n  ${parts.join(',\n  ')}\n)`;
}

function columnSql(column: Column, table: Table): string {
  let text = `${ident(column.name)} ${column.rawType ?? column.type}`;
  if (column.autoIncrement && table.primaryKey?.columns.length === 1) text += ' PRIMARY KEY';
  if (!column.nullable && !column.autoIncrement) text += ' NOT NULL';
  if (column.default !== undefined) text += ` DEFAULT ${column.default}`;
  if (column.generated)
    text += ` GENERATED ALWAYS AS (${column.generated}) ${column.generatedStorage === 'stored' ? 'STORED' : 'VIRTUAL'}`;
  return text;
}
