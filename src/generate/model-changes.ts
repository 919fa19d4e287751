import type { Column, ForeignKey, Schema, Table } from '../schema/model.js';
import type { Change, ColumnSpec } from './changes.js';
import { renameInExpression } from './expressions.js';

/**
 * The schema model after one change: what the planner knows of "the schema at this point of the change list"
 * (which tables exist, a column's type before it changes), and the input of the schema diff when a step is best
 * said by diffing two models (SQLite rebuilds, the down of a drop restoring exactly what was there).
 */

export function columnOf(spec: ColumnSpec): Column {
  return {
    name: spec.name,
    type: spec.type,
    nullable: spec.primaryKey ? false : (spec.nullable ?? true),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    ...(spec.generated ? { autoIncrement: true } : {}),
  };
}

export function findTable(schema: Schema, name: string): Table | undefined {
  return schema.tables.find((table) => table.name === name && !table.namespace);
}

export function defaultConstraintName(table: string, columns: string[], suffix: string): string {
  const base = `${table}_${columns.join('_')}`.replace(/[^A-Za-z0-9_]+/g, '_');
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

function foreignKeyOf(
  table: string,
  columns: string[],
  reference: NonNullable<ColumnSpec['references']>,
  name?: string,
): ForeignKey {
  return {
    name: name ?? defaultConstraintName(table, columns, 'fkey'),
    columns,
    referencedTable: reference.table,
    referencedColumns: reference.columns ?? ['id'],
    onDelete: reference.onDelete ?? 'no action',
    onUpdate: reference.onUpdate ?? 'no action',
  };
}

/** A table model from create_table, constraints named the way the DDL writers name them. */
export function tableOf(change: Extract<Change, { op: 'create_table' }>): Table {
  const primary =
    change.primaryKey ?? change.columns.filter((column) => column.primaryKey).map((column) => column.name);
  return {
    name: change.table,
    columns: change.columns.map((column) => ({
      ...columnOf(column),
      nullable: primary.includes(column.name) ? false : (column.nullable ?? true),
    })),
    ...(primary.length ? { primaryKey: { columns: primary } } : {}),
    indexes: [],
    uniques: change.columns
      .filter((column) => column.unique)
      .map((column) => ({ name: defaultConstraintName(change.table, [column.name], 'key'), columns: [column.name] })),
    checks: change.columns
      .filter((column) => column.check)
      .map((column) => ({
        name: defaultConstraintName(change.table, [column.name], 'check'),
        expression: column.check ?? '',
      })),
    foreignKeys: change.columns
      .filter((column) => column.references)
      .map((column) => foreignKeyOf(change.table, [column.name], column.references!)),
  };
}

/** A deep copy: the models the planner derives never share arrays with the introspected one. */
export function cloneSchema(schema: Schema): Schema {
  return structuredClone(schema);
}

/**
 * The schema after `change`, as a new model (the input is not touched). Tables it edits lose their introspected
 * CREATE text (SQLite), so a rebuild is written from the model.
 */
export function applyChange(schema: Schema, change: Change): Schema {
  const next = cloneSchema(schema);
  const edit = (name: string, work: (table: Table) => void) => {
    const table = findTable(next, name);
    if (!table) return;
    delete table.createSql;
    work(table);
  };
  switch (change.op) {
    case 'create_table':
      next.tables.push(tableOf(change));
      break;
    case 'drop_table':
      next.tables = next.tables.filter((table) => table.name !== change.table || table.namespace);
      for (const table of next.tables)
        table.foreignKeys = table.foreignKeys.filter((fk) => fk.referencedTable !== change.table);
      break;
    case 'rename_table':
      edit(change.from, (table) => {
        table.name = change.to;
      });
      for (const table of next.tables)
        for (const fk of table.foreignKeys) if (fk.referencedTable === change.from) fk.referencedTable = change.to;
      break;
    case 'add_column':
      edit(change.table, (table) => {
        const { column } = change;
        table.columns.push(columnOf(column));
        if (column.unique)
          table.uniques.push({
            name: defaultConstraintName(change.table, [column.name], 'key'),
            columns: [column.name],
          });
        if (column.check)
          table.checks.push({
            name: defaultConstraintName(change.table, [column.name], 'check'),
            expression: column.check,
          });
        if (change.column.references)
          table.foreignKeys.push(foreignKeyOf(change.table, [change.column.name], change.column.references));
      });
      break;
    case 'drop_column':
      edit(change.table, (table) => {
        const uses = (columns: string[]) => columns.includes(change.column);
        table.columns = table.columns.filter((column) => column.name !== change.column);
        table.indexes = table.indexes.filter((index) => !uses(index.columns));
        table.uniques = table.uniques.filter((unique) => !uses(unique.columns));
        table.foreignKeys = table.foreignKeys.filter((fk) => !uses(fk.columns));
      });
      break;
    case 'rename_column':
      edit(change.table, (table) => {
        const rename = (name: string) => (name === change.from ? change.to : name);
        for (const column of table.columns) column.name = rename(column.name);
        // The engine rewrites the column's name in CHECKs and index definitions too (SQLite keeps their text).
        const inText = (text: string) => renameInExpression(text, change.from, change.to);
        for (const index of table.indexes) {
          index.columns = index.columns.map((column) => (column === change.from ? change.to : inText(column)));
          if (index.where) index.where = inText(index.where);
          // Only the column list and predicate: the index's and the table's own names stay.
          if (index.definition) index.definition = index.definition.replace(/\([\s\S]*$/, inText);
        }
        for (const check of table.checks) check.expression = inText(check.expression);
        for (const unique of table.uniques) unique.columns = unique.columns.map(rename);
        for (const fk of table.foreignKeys) fk.columns = fk.columns.map(rename);
        if (table.primaryKey) table.primaryKey.columns = table.primaryKey.columns.map(rename);
      });
      break;
    case 'alter_column':
      edit(change.table, (table) => {
        const column = table.columns.find((item) => item.name === change.column);
        if (!column) return;
        if (change.type !== undefined) {
          column.type = change.type;
          delete column.rawType;
        }
        if (change.nullable !== undefined) column.nullable = change.nullable;
        if (change.default === null) delete column.default;
        else if (change.default !== undefined) column.default = change.default;
      });
      break;
    case 'add_index':
      edit(change.table, (table) => {
        table.indexes.push({
          name: change.name ?? defaultConstraintName(change.table, change.columns, 'idx'),
          columns: change.columns,
          unique: change.unique ?? false,
          ...(change.where ? { where: change.where } : {}),
          ...(change.using ? { method: change.using } : {}),
        });
      });
      break;
    case 'drop_index':
      for (const table of next.tables) table.indexes = table.indexes.filter((index) => index.name !== change.name);
      break;
    case 'add_foreign_key':
      edit(change.table, (table) => {
        table.foreignKeys.push(foreignKeyOf(change.table, change.columns, change.references, change.name));
      });
      break;
    case 'add_unique':
      edit(change.table, (table) => {
        table.uniques.push({
          name: change.name ?? defaultConstraintName(change.table, change.columns, 'key'),
          columns: change.columns,
        });
      });
      break;
    case 'add_check':
      edit(change.table, (table) => {
        table.checks.push({
          name: change.name ?? checkName(change.table, change.expression),
          expression: change.expression,
        });
      });
      break;
    case 'drop_constraint':
      edit(change.table, (table) => {
        const keep = <T extends { name: string }>(items: T[]) => items.filter((item) => item.name !== change.name);
        table.uniques = keep(table.uniques);
        table.checks = keep(table.checks);
        table.foreignKeys = keep(table.foreignKeys);
        if (table.primaryKey?.name === change.name) delete table.primaryKey;
      });
      break;
    case 'create_enum':
      next.enums.push({ name: change.name, values: change.values });
      break;
    case 'add_enum_value':
      for (const type of next.enums.filter((item) => item.name === change.name)) {
        const anchor = change.before ?? change.after;
        const at = anchor ? type.values.indexOf(anchor) : -1;
        if (at < 0) type.values.push(change.value);
        else type.values.splice(change.before ? at : at + 1, 0, change.value);
      }
      break;
    case 'drop_enum':
      next.enums = next.enums.filter((item) => item.name !== change.name);
      break;
    case 'raw_sql':
      break;
  }
  return next;
}

/** A CHECK constraint's default name: the table and the words of its expression. */
export function checkName(table: string, expression: string): string {
  const words = expression
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30);
  return defaultConstraintName(table, words ? [words] : [], 'check');
}
