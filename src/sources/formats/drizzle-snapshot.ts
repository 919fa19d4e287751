import type { Column, ForeignKey, Schema, Table } from '../../schema/model.js';
import { drizzleForeignKeyName } from './drizzle-schema-edit.js';

/**
 * drizzle-kit's own snapshot (`meta/NNNN_snapshot.json`) of a schema model: PostgreSQL in its version-7 layout,
 * SQLite in its version-6 layout, MySQL/MariaDB in its version-5 layout, with drizzle-kit's spelling of types and defaults, so that `drizzle-kit generate`
 * run after our migration compares the project's schema.ts with the schema the database really has.
 */

export type SnapshotDialect = 'postgresql' | 'sqlite' | 'mysql';

export interface SnapshotIds {
  id: string;
  prevId: string;
}

export function drizzleSnapshot(schema: Schema, dialect: SnapshotDialect, ids: SnapshotIds): Record<string, unknown> {
  if (dialect === 'mysql') return mysqlSnapshot(schema, ids);
  return dialect === 'postgresql' ? postgresSnapshot(schema, ids) : sqliteSnapshot(schema, ids);
}

const byName = <T extends { name: string }, V>(items: T[], map: (item: T) => V): Record<string, V> =>
  Object.fromEntries(items.map((item) => [item.name, map(item)]));

const SERIAL: Record<string, string> = { int4: 'serial', int8: 'bigserial', int2: 'smallserial' };

function postgresSnapshot(schema: Schema, ids: SnapshotIds): Record<string, unknown> {
  const enumNames = new Set(schema.enums.map((item) => item.name));
  const tables = Object.fromEntries(
    schema.tables.map((table) => [
      `${table.namespace ?? 'public'}.${table.name}`,
      {
        name: table.name,
        schema: table.namespace ?? '',
        columns: byName(table.columns, (column) => postgresColumn(schema, table, column, enumNames)),
        indexes: byName(ownIndexes(table), (index) => ({
          name: index.name,
          columns: index.columns.map((expression) => ({
            expression,
            isExpression: !/^\w+$/.test(expression),
            asc: true,
            nulls: 'last',
          })),
          isUnique: index.unique,
          ...(index.where ? { where: index.where } : {}),
          concurrently: false,
          method: index.method ?? 'btree',
          with: {},
        })),
        foreignKeys: byName(table.foreignKeys, (key) => foreignKey(table, key)),
        compositePrimaryKeys: compositeKey(table),
        uniqueConstraints: byName(table.uniques, (unique) => ({
          name: unique.name,
          nullsNotDistinct: unique.nullsNotDistinct ?? false,
          columns: unique.columns,
        })),
        policies: {},
        checkConstraints: byName(table.checks, (check) => ({ name: check.name, value: checkBody(check.expression) })),
        isRLSEnabled: table.rowSecurity?.enabled ?? false,
      },
    ]),
  );
  return {
    ...ids,
    version: '7',
    dialect: 'postgresql',
    tables,
    enums: Object.fromEntries(
      schema.enums.map((item) => [
        `${item.namespace ?? 'public'}.${item.name}`,
        { name: item.name, schema: item.namespace ?? 'public', values: item.values },
      ]),
    ),
    schemas: Object.fromEntries((schema.namespaces ?? []).map((name) => [name, name])),
    sequences: {},
    roles: {},
    policies: {},
    views: {},
    _meta: { columns: {}, schemas: {}, tables: {} },
  };
}

function postgresColumn(schema: Schema, table: Table, column: Column, enumNames: Set<string>): Record<string, unknown> {
  const single = singlePrimaryKey(table) === column.name;
  const serial = column.autoIncrement && column.default?.startsWith('nextval(') ? SERIAL[column.type] : undefined;
  const type = serial ?? postgresType(column);
  const identity = column.identity ? identityOf(schema, table, column, column.identity) : undefined;
  const defaultValue = serial || identity ? undefined : postgresDefault(column);
  return {
    name: column.name,
    type,
    ...(enumNames.has(column.type) ? { typeSchema: 'public' } : {}),
    primaryKey: single,
    notNull: !column.nullable || single,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    ...(identity ? { identity } : {}),
  };
}

/** An identity column's sequence as drizzle-kit keeps it: its name and options, all as strings but `cycle`. */
function identityOf(
  schema: Schema,
  table: Table,
  column: Column,
  kind: 'always' | 'by default',
): Record<string, unknown> | undefined {
  const owner = `${table.namespace ? `${table.namespace}.` : ''}${table.name}.${column.name}`;
  const sequence = schema.sequences.find((item) => item.ownedBy === owner);
  if (!sequence?.options) return undefined;
  const { options } = sequence;
  return {
    type: kind === 'always' ? 'always' : 'byDefault',
    name: sequence.name,
    schema: sequence.namespace ?? 'public',
    increment: options.increment,
    startWith: options.start,
    minValue: options.min,
    maxValue: options.max,
    cache: options.cache,
    cycle: options.cycle,
  };
}

/** The type as drizzle-kit prints it: `varchar(50)`, `numeric(10, 2)`, `timestamp with time zone`. */
function postgresType(column: Column): string {
  const raw = column.rawType ?? column.type;
  return raw
    .replace(/^character varying/, 'varchar')
    .replace(/^character\b/, 'char')
    .replace(/,\s*/g, ', ');
}

const QUOTED_NUMBER_TYPES = /^(numeric|decimal|bigint|int8)\b/;

/**
 * The default as drizzle-kit keeps it for `.default(value)`: casts dropped, numbers and booleans as JSON values,
 * numerics (strings in drizzle) quoted, expressions as text.
 */
function postgresDefault(column: Column): string | number | boolean | undefined {
  if (column.default === undefined) return undefined;
  const text = column.default.replace(/::[\w\s."[\]]+(\(\d+(,\s*\d+)?\))?$/, '').trim();
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  const number = /^\(?(-?\d+(\.\d+)?)\)?$/.exec(text);
  if (number) return QUOTED_NUMBER_TYPES.test(column.type) ? `'${number[1]}'` : Number(number[1]);
  return text;
}

function sqliteSnapshot(schema: Schema, ids: SnapshotIds): Record<string, unknown> {
  const tables = byName(schema.tables, (table) => ({
    name: table.name,
    columns: byName(table.columns, (column) => sqliteColumn(table, column)),
    indexes: byName(ownIndexes(table), (index) => ({
      name: index.name,
      columns: index.columns,
      isUnique: index.unique,
      ...(index.where ? { where: index.where } : {}),
    })),
    foreignKeys: Object.fromEntries(
      table.foreignKeys.map((key) => {
        // SQLite keeps no names for foreign keys: drizzle-kit's own name is the one its schema.ts side has.
        const name = drizzleForeignKeyName(table.name, key);
        return [name, { ...foreignKey(table, key), name }];
      }),
    ),
    compositePrimaryKeys: compositeKey(table),
    uniqueConstraints: {},
    checkConstraints: byName(table.checks, (check) => ({ name: check.name, value: checkBody(check.expression) })),
  }));
  return {
    version: '6',
    dialect: 'sqlite',
    ...ids,
    tables,
    views: {},
    enums: {},
    _meta: { schemas: {}, tables: {}, columns: {} },
    internal: { indexes: {} },
  };
}

function sqliteColumn(table: Table, column: Column): Record<string, unknown> {
  const single = singlePrimaryKey(table) === column.name;
  const autoincrement =
    single &&
    new RegExp(`[\`"'\\[]?${column.name}[\`"'\\]]?\\s[^,]*\\bAUTOINCREMENT\\b`, 'i').test(table.createSql ?? '');
  const value = column.default?.trim();
  const number = value !== undefined && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  return {
    name: column.name,
    // sqlite-core has no varchar: text({ length }) stands for it, and prints itself `text(n)`.
    type: column.type.replace(/^(varchar|character varying)\b/, 'text'),
    primaryKey: single,
    notNull: !column.nullable || single,
    autoincrement,
    ...(value !== undefined ? { default: number ?? value } : {}),
  };
}

/**
 * MySQL: every primary key (one column too) is a `compositePrimaryKeys` entry named `<table>_<columns>`, unique
 * keys are `uniqueConstraints`, CHECKs sit under `checkConstraint`; types as drizzle-kit prints them (no integer
 * display width, `tinyint(1)` as boolean), defaults as its `.default()` stores them.
 */
function mysqlSnapshot(schema: Schema, ids: SnapshotIds): Record<string, unknown> {
  const tables = byName(schema.tables, (table) => {
    const key = table.primaryKey?.columns ?? [];
    const keyName = `${table.name}_${key.join('_')}`;
    return {
      name: table.name,
      columns: byName(table.columns, (column) => mysqlColumn(column)),
      indexes: byName(ownIndexes(table), (index) => ({
        name: index.name,
        columns: index.columns,
        isUnique: index.unique,
      })),
      foreignKeys: byName(table.foreignKeys, (key) => foreignKey(table, key)),
      compositePrimaryKeys: key.length ? { [keyName]: { name: keyName, columns: key } } : {},
      uniqueConstraints: byName(table.uniques, (unique) => ({ name: unique.name, columns: unique.columns })),
      checkConstraint: byName(table.checks, (check) => ({ name: check.name, value: checkBody(check.expression) })),
    };
  });
  return {
    version: '5',
    dialect: 'mysql',
    ...ids,
    tables,
    views: {},
    _meta: { schemas: {}, tables: {}, columns: {} },
    internal: { tables: {}, indexes: {} },
  };
}

const MYSQL_INTEGER = /^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/;

function mysqlColumn(column: Column): Record<string, unknown> {
  const raw = (column.rawType ?? column.type).toLowerCase();
  const boolean = /^tinyint\(1\)$/.test(raw);
  const type = boolean ? 'boolean' : raw.replace(MYSQL_INTEGER, '$1').replace(/^integer\b/, 'int');
  const value = mysqlDefault(column.default, type);
  return {
    name: column.name,
    type,
    primaryKey: false,
    notNull: !column.nullable,
    autoincrement: column.autoIncrement === true,
    ...(value !== undefined ? { default: value } : {}),
  };
}

/** `0` → 0 for an integer, `'0'` for a decimal, false for a boolean, `current_timestamp()` → `(now())`. */
function mysqlDefault(value: string | undefined, type: string): string | number | boolean | undefined {
  if (value === undefined || /^null$/i.test(value)) return undefined;
  const text = value.trim();
  const number = /^'?(-?\d+(\.\d+)?)'?$/.exec(text)?.[1];
  if (type === 'boolean' && number !== undefined) return number !== '0';
  if (number !== undefined && /^(decimal|numeric)\b/.test(type)) return `'${number}'`;
  if (number !== undefined && /^(tinyint|smallint|mediumint|int|bigint|float|double|real)\b/.test(type))
    return Number(number);
  if (/^current_timestamp(\(\))?$/i.test(text)) return '(now())';
  if (/^'.*'$/s.test(text) || /^\(.*\)$/s.test(text)) return text;
  // MySQL 8 prints a string default bare; MariaDB quotes it.
  return `'${text.replace(/'/g, "''")}'`;
}

function singlePrimaryKey(table: Table): string | undefined {
  return table.primaryKey?.columns.length === 1 ? table.primaryKey.columns[0] : undefined;
}

function compositeKey(table: Table): Record<string, unknown> {
  const key = table.primaryKey;
  if (!key || key.columns.length < 2) return {};
  const name = key.name ?? `${table.name}_${key.columns.join('_')}_pk`;
  return { [name]: { name, columns: key.columns } };
}

/** Indexes declared on their own: not the ones behind the primary key or a unique constraint. */
function ownIndexes(table: Table): Table['indexes'] {
  const constraintNames = new Set([table.primaryKey?.name, ...table.uniques.map((unique) => unique.name)]);
  return table.indexes.filter((index) => !constraintNames.has(index.name));
}

function foreignKey(table: Table, key: ForeignKey): Record<string, unknown> {
  return {
    name: key.name,
    tableFrom: table.name,
    tableTo: key.referencedTable,
    columnsFrom: key.columns,
    columnsTo: key.referencedColumns,
    onDelete: key.onDelete,
    onUpdate: key.onUpdate,
  };
}

/** `CHECK ((price > 0))` → `price > 0`: drizzle-kit keeps the bare expression. */
function checkBody(expression: string): string {
  const inner = /^CHECK\s*\(([\s\S]*)\)$/i.exec(expression.trim())?.[1] ?? expression;
  return inner.replace(/^\(([\s\S]*)\)$/, '$1');
}
