import { UserError } from '../../errors.js';
import { nodeCrypto } from '../../lazy-builtins.js';
import type { Engine } from '../../model.js';

/**
 * SQL text for schema changes described by a migration DSL (Rails, Ecto, Liquibase change types), quoted and
 * typed for the engine. Each builder returns whole statements; what an engine cannot express in one statement
 * (SQLite's missing ALTER COLUMN) is an error, not a guess.
 */
export type DdlEngine = 'postgresql' | 'mysql' | 'sqlite';

export function ddlEngine(engine: Engine | undefined): DdlEngine {
  if (engine === 'mysql' || engine === 'mariadb') return 'mysql';
  if (engine === 'sqlite') return 'sqlite';
  return 'postgresql';
}

export function quote(engine: DdlEngine, name: string): string {
  if (engine === 'mysql') return `\`${name.replaceAll('`', '``')}\``;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` quoted part by part. */
export function quoteTable(engine: DdlEngine, name: string): string {
  return name
    .split('.')
    .map((part) => quote(engine, part))
    .join('.');
}

export function stringLiteral(engine: DdlEngine, value: string): string {
  const escaped = value.replaceAll("'", "''");
  return engine === 'mysql' ? `'${escaped.replaceAll('\\', '\\\\')}'` : `'${escaped}'`;
}

/** A default value: a literal, or SQL written by the migration (Rails `-> { "now()" }`, Ecto `fragment("now()")`). */
export type DefaultValue = { literal: string | number | boolean | null } | { sql: string };

export function defaultSql(engine: DdlEngine, value: DefaultValue): string {
  if ('sql' in value) return value.sql;
  const literal = value.literal;
  if (literal === null) return 'NULL';
  if (typeof literal === 'number') return String(literal);
  if (typeof literal === 'boolean') return engine === 'sqlite' ? (literal ? '1' : '0') : literal ? 'TRUE' : 'FALSE';
  return stringLiteral(engine, literal);
}

export interface ColumnSpec {
  name: string;
  /** The SQL type, already resolved for the engine. */
  type: string;
  nullable?: boolean;
  default?: DefaultValue;
  primaryKey?: boolean;
  /** The primary key's constraint name, when the migration gives one (default: the engine's). */
  primaryKeyName?: string;
  unique?: boolean;
  /** The unique constraint's name, when the migration gives one. */
  uniqueName?: string;
  references?: ForeignKeySpec;
  /** A column definition already written out (name, type and constraints). */
  raw?: string;
}

export interface ForeignKeySpec {
  table: string;
  column: string;
  name?: string;
  onDelete?: string;
  onUpdate?: string;
}

function columnSql(engine: DdlEngine, column: ColumnSpec): string {
  if (column.raw) return column.raw;
  const parts = [quote(engine, column.name), column.type];
  if (column.primaryKey) parts.push(`${named(engine, column.primaryKeyName)}PRIMARY KEY`);
  if (column.nullable === false && !column.primaryKey) parts.push('NOT NULL');
  if (column.default !== undefined) parts.push(`DEFAULT ${defaultSql(engine, column.default)}`);
  if (column.unique) parts.push(`${named(engine, column.uniqueName)}UNIQUE`);
  if (column.references) parts.push(referencesSql(engine, column.references));
  return parts.join(' ');
}

/** `CONSTRAINT "name" ` before a column constraint that has a name; nothing for the engine's default name. */
function named(engine: DdlEngine, name: string | undefined): string {
  return name ? `CONSTRAINT ${quote(engine, name)} ` : '';
}

function referencesSql(engine: DdlEngine, fk: ForeignKeySpec): string {
  const parts = [`REFERENCES ${quoteTable(engine, fk.table)} (${quote(engine, fk.column)})`];
  if (fk.onDelete) parts.push(`ON DELETE ${fk.onDelete}`);
  if (fk.onUpdate) parts.push(`ON UPDATE ${fk.onUpdate}`);
  return parts.join(' ');
}

export function createTable(
  engine: DdlEngine,
  table: string,
  columns: ColumnSpec[],
  options: { ifNotExists?: boolean; primaryKey?: string[]; primaryKeyName?: string; suffix?: string } = {},
): string {
  const lines = columns.map((column) => `  ${columnSql(engine, column)}`);
  if (options.primaryKey?.length) {
    lines.push(
      `  ${named(engine, options.primaryKeyName)}PRIMARY KEY (${options.primaryKey.map((name) => quote(engine, name)).join(', ')})`,
    );
  }
  const head = `CREATE TABLE ${options.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteTable(engine, table)}`;
  return `${head} (\n${lines.join(',\n')}\n)${options.suffix ? ` ${options.suffix}` : ''}`;
}

export function dropTable(engine: DdlEngine, table: string, options: { ifExists?: boolean; cascade?: boolean } = {}) {
  return `DROP TABLE ${options.ifExists ? 'IF EXISTS ' : ''}${quoteTable(engine, table)}${options.cascade && engine === 'postgresql' ? ' CASCADE' : ''}`;
}

export function renameTable(engine: DdlEngine, from: string, to: string): string {
  if (engine === 'mysql') return `RENAME TABLE ${quoteTable(engine, from)} TO ${quoteTable(engine, to)}`;
  return `ALTER TABLE ${quoteTable(engine, from)} RENAME TO ${quote(engine, to.split('.').at(-1) ?? to)}`;
}

export function addColumn(engine: DdlEngine, table: string, column: ColumnSpec, ifNotExists = false): string {
  const guard = ifNotExists && engine === 'postgresql' ? 'IF NOT EXISTS ' : '';
  return `ALTER TABLE ${quoteTable(engine, table)} ADD COLUMN ${guard}${columnSql(engine, column)}`;
}

export function dropColumn(engine: DdlEngine, table: string, column: string, ifExists = false): string {
  const guard = ifExists && engine === 'postgresql' ? 'IF EXISTS ' : '';
  return `ALTER TABLE ${quoteTable(engine, table)} DROP COLUMN ${guard}${quote(engine, column)}`;
}

export function renameColumn(engine: DdlEngine, table: string, from: string, to: string): string {
  return `ALTER TABLE ${quoteTable(engine, table)} RENAME COLUMN ${quote(engine, from)} TO ${quote(engine, to)}`;
}

function noSqliteAlter(what: string): UserError {
  return new UserError(
    'not-expressible-on-sqlite',
    `${what} has no ALTER TABLE form on SQLite: the tool rebuilds the table instead, which is not translated here.`,
    'Check this change by hand, or write the table rebuild as SQL.',
  );
}

/** MySQL changes a column's nullability, default-less type or type only by restating it: the type must be known. */
function mysqlModify(table: string, column: string, type: string | undefined, rest: string): string {
  if (!type) {
    throw new UserError(
      'mysql-type-unknown',
      `Changing ${table}.${column} on MySQL restates the whole column (MODIFY), and its type is not given here.`,
      'Give the column type in the migration (e.g. Liquibase columnDataType), or check this change by hand.',
    );
  }
  return `ALTER TABLE ${quoteTable('mysql', table)} MODIFY ${quote('mysql', column)} ${type}${rest}`;
}

export function setNotNull(engine: DdlEngine, table: string, column: string, notNull: boolean, type?: string): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Changing the nullability of ${table}.${column}`);
  if (engine === 'mysql') return mysqlModify(table, column, type, notNull ? ' NOT NULL' : ' NULL');
  return `ALTER TABLE ${quoteTable(engine, table)} ALTER COLUMN ${quote(engine, column)} ${notNull ? 'SET' : 'DROP'} NOT NULL`;
}

export function setDefault(engine: DdlEngine, table: string, column: string, value: DefaultValue | undefined): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Changing the default of ${table}.${column}`);
  const target = `ALTER TABLE ${quoteTable(engine, table)} ALTER COLUMN ${quote(engine, column)}`;
  return value === undefined ? `${target} DROP DEFAULT` : `${target} SET DEFAULT ${defaultSql(engine, value)}`;
}

export function changeType(engine: DdlEngine, table: string, column: string, type: string, using?: string): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Changing the type of ${table}.${column}`);
  if (engine === 'mysql') return mysqlModify(table, column, type, '');
  return `ALTER TABLE ${quoteTable(engine, table)} ALTER COLUMN ${quote(engine, column)} TYPE ${type}${using ? ` USING ${using}` : ''}`;
}

export interface IndexSpec {
  table: string;
  columns: string[];
  name: string;
  unique?: boolean;
  concurrently?: boolean;
  where?: string;
  using?: string;
  ifNotExists?: boolean;
}

export function createIndex(engine: DdlEngine, index: IndexSpec): string {
  const parts = ['CREATE'];
  if (index.unique) parts.push('UNIQUE');
  parts.push('INDEX');
  if (index.concurrently && engine === 'postgresql') parts.push('CONCURRENTLY');
  if (index.ifNotExists && engine !== 'mysql') parts.push('IF NOT EXISTS');
  parts.push(quote(engine, index.name), 'ON', quoteTable(engine, index.table));
  if (index.using && engine === 'postgresql') parts.push(`USING ${index.using}`);
  const columns = index.columns.map((column) => (/^[\w]+$/.test(column) ? quote(engine, column) : column));
  parts.push(`(${columns.join(', ')})`);
  if (index.where && engine !== 'mysql') parts.push(`WHERE ${index.where}`);
  return parts.join(' ');
}

export function dropIndex(
  engine: DdlEngine,
  table: string,
  name: string,
  /** `schema`: the index's schema (PostgreSQL and SQLite name it `"schema"."index"`). */
  options: { concurrently?: boolean; ifExists?: boolean; schema?: string } = {},
): string {
  if (engine === 'mysql') return `DROP INDEX ${quote(engine, name)} ON ${quoteTable(engine, table)}`;
  const concurrently = options.concurrently && engine === 'postgresql' ? 'CONCURRENTLY ' : '';
  const schema = options.schema ? `${quote(engine, options.schema)}.` : '';
  return `DROP INDEX ${concurrently}${options.ifExists ? 'IF EXISTS ' : ''}${schema}${quote(engine, name)}`;
}

export function addForeignKey(
  engine: DdlEngine,
  table: string,
  columns: string[],
  fk: Omit<ForeignKeySpec, 'column'> & { columns: string[]; name: string; validate?: boolean },
): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Adding foreign key ${fk.name}`);
  const parts = [
    `ALTER TABLE ${quoteTable(engine, table)} ADD CONSTRAINT ${quote(engine, fk.name)} FOREIGN KEY (${columns.map((c) => quote(engine, c)).join(', ')}) REFERENCES ${quoteTable(engine, fk.table)} (${fk.columns.map((c) => quote(engine, c)).join(', ')})`,
  ];
  if (fk.onDelete) parts.push(`ON DELETE ${fk.onDelete}`);
  if (fk.onUpdate) parts.push(`ON UPDATE ${fk.onUpdate}`);
  if (fk.validate === false && engine === 'postgresql') parts.push('NOT VALID');
  return parts.join(' ');
}

export function addUnique(engine: DdlEngine, table: string, columns: string[], name: string): string {
  if (engine === 'sqlite') return createIndex(engine, { table, columns, name, unique: true });
  return `ALTER TABLE ${quoteTable(engine, table)} ADD CONSTRAINT ${quote(engine, name)} UNIQUE (${columns.map((c) => quote(engine, c)).join(', ')})`;
}

/** `validated: false` adds it NOT VALID (PostgreSQL): existing rows are not checked. */
export function addCheck(engine: DdlEngine, table: string, name: string, expression: string, validated = true): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Adding check constraint ${name}`);
  const notValid = !validated && engine === 'postgresql' ? ' NOT VALID' : '';
  return `ALTER TABLE ${quoteTable(engine, table)} ADD CONSTRAINT ${quote(engine, name)} CHECK (${expression})${notValid}`;
}

export function dropConstraint(
  engine: DdlEngine,
  table: string,
  name: string,
  kind: 'foreign' | 'unique' | 'check',
  ifExists = false,
): string {
  if (engine === 'sqlite') throw noSqliteAlter(`Dropping constraint ${name}`);
  if (engine === 'mysql') {
    const what = kind === 'foreign' ? 'FOREIGN KEY' : kind === 'unique' ? 'INDEX' : 'CHECK';
    return `ALTER TABLE ${quoteTable(engine, table)} DROP ${what} ${quote(engine, name)}`;
  }
  return `ALTER TABLE ${quoteTable(engine, table)} DROP CONSTRAINT ${ifExists ? 'IF EXISTS ' : ''}${quote(engine, name)}`;
}

/** Rails' default foreign key name: `fk_rails_` + the first 10 hex digits of SHA-256("<table>_<column>_fk"). */
export function railsForeignKeyName(table: string, column: string): string {
  return `fk_rails_${nodeCrypto().createHash('sha256').update(`${table}_${column}_fk`).digest('hex').slice(0, 10)}`;
}
