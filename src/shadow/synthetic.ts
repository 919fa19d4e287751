import type { Column, Schema, Table } from '../schema/model.js';
import { qualifiedName } from '../schema/model.js';
import { literal, quoteIdent, quoteQualified, type SqlValue } from './sql-text.js';
import type { ShadowDatabase, ShadowEngine } from './types.js';

/**
 * Synthetic rows that satisfy each table's constraints, chosen so that data-dependent migration failures show:
 * nullable columns hold some NULLs (SET NOT NULL fails), non-unique columns hold duplicates (ADD UNIQUE fails),
 * text values are not numbers (casts to integer fail). Parents are filled before children; foreign keys point at
 * existing parent keys; unique and primary-key columns get distinct values.
 */

export interface SyntheticOptions {
  rowsPerTable: number;
  signal?: AbortSignal;
  onTable?: (table: string, index: number, total: number) => void;
}

export interface TableFill {
  table: string;
  rows: number;
  /** Why fewer rows than asked went in (a CHECK the generator could not satisfy, an unknown type…). */
  note?: string;
}

const BATCH = 250;

/**
 * Part of every cached baseline's key (see baseline-cache.ts): raise it whenever a change here makes the
 * generator produce other rows, so baselines filled by the old generator are not reused.
 */
export const SYNTHETIC_GENERATOR_VERSION = 1;

export async function fillSynthetic(
  db: ShadowDatabase,
  schema: Schema,
  options: SyntheticOptions,
): Promise<TableFill[]> {
  const ordered = parentsFirst(schema.tables);
  const enums = new Map(schema.enums.map((item) => [qualifiedName(item), item.values]));
  const fills: TableFill[] = [];
  for (const [index, table] of ordered.entries()) {
    options.signal?.throwIfAborted();
    options.onTable?.(qualifiedName(table), index, ordered.length);
    fills.push(await fillTable(db, table, enums, options.rowsPerTable, options.signal));
  }
  return fills;
}

async function fillTable(
  db: ShadowDatabase,
  table: Table,
  enums: Map<string, string[]>,
  rows: number,
  signal?: AbortSignal,
): Promise<TableFill> {
  const engine = db.engine;
  const name = qualifiedName(table);
  const unique = uniqueColumns(table);
  const parentValues = new Map<string, SqlValue[]>();
  for (const fk of table.foreignKeys) {
    const [column] = fk.columns;
    const [referenced] = fk.referencedColumns;
    if (!column || !referenced || fk.columns.length !== 1) continue;
    if (fk.referencedTable === name) continue;
    const values = await db.query<Record<string, unknown>>(
      `SELECT DISTINCT ${quoteIdent(engine, referenced)} AS v FROM ${quoteQualified(engine, fk.referencedTable)} WHERE ${quoteIdent(engine, referenced)} IS NOT NULL ORDER BY 1`,
    );
    parentValues.set(
      column,
      values.map((row) => normaliseFetched(row.v)),
    );
  }
  const selfReferencing = new Set(
    table.foreignKeys.filter((fk) => fk.referencedTable === name).flatMap((fk) => fk.columns),
  );
  const columns = table.columns.filter((column) => {
    if (column.generated) return false;
    if (column.autoIncrement && !parentValues.has(column.name)) return false;
    if (selfReferencing.has(column.name)) return false;
    return generatorFor(column, engine, enums) !== undefined || !canOmit(column);
  });
  const generators = columns.map((column) => ({
    column,
    generate: generatorFor(column, engine, enums) ?? ((i: number) => `x${i}`),
  }));
  let inserted = 0;
  let note: string | undefined;
  const render = (i: number) =>
    `(${generators
      .map(({ column, generate }) => literal(engine, valueFor(column, i, generate, unique, parentValues)))
      .join(', ')})`;
  const head =
    columns.length === 0
      ? undefined
      : `INSERT INTO ${quoteQualified(engine, name)} (${columns.map((column) => quoteIdent(engine, column.name)).join(', ')}) VALUES `;
  for (let start = 0; start < rows; start += BATCH) {
    signal?.throwIfAborted();
    const count = Math.min(BATCH, rows - start);
    if (!head) {
      const defaults = engine === 'mysql' ? '() VALUES ()' : 'DEFAULT VALUES';
      for (let i = 0; i < count; i++) await db.exec(`INSERT INTO ${quoteQualified(engine, name)} ${defaults}`);
      inserted += count;
      continue;
    }
    const values = Array.from({ length: count }, (_, k) => render(start + k));
    try {
      await db.exec(head + values.join(', '));
      inserted += count;
    } catch {
      // Row by row, keeping the rows the table's constraints accept.
      for (const [k, row] of values.entries()) {
        try {
          await db.exec(head + row);
          inserted++;
        } catch (error) {
          note ??= `row ${start + k + 1} rejected: ${(error as Error).message.split('\n')[0]}`;
        }
      }
    }
  }
  return { table: name, rows: inserted, ...(note ? { note } : {}) };
}

function valueFor(
  column: Column,
  i: number,
  generate: (i: number, distinct: boolean) => SqlValue,
  unique: Set<string>,
  parents: Map<string, SqlValue[]>,
): SqlValue {
  const parentKeys = parents.get(column.name);
  if (parentKeys) {
    if (parentKeys.length === 0) return null;
    if (column.nullable && i % 10 === 3) return null;
    return parentKeys[i % parentKeys.length] ?? null;
  }
  const distinct = unique.has(column.name);
  if (column.nullable && !distinct && i % 10 === 3) return null;
  // Duplicates where allowed: every 7th row repeats the first row's value.
  return generate(!distinct && i % 7 === 0 ? 0 : i, distinct);
}

function uniqueColumns(table: Table): Set<string> {
  const names = new Set<string>(table.primaryKey?.columns ?? []);
  for (const item of table.uniques) for (const column of item.columns) names.add(column);
  for (const index of table.indexes) if (index.unique) for (const column of index.columns) names.add(column);
  return names;
}

function canOmit(column: Column): boolean {
  return column.nullable || column.default !== undefined || column.autoIncrement === true;
}

type Generator = (i: number, distinct: boolean) => SqlValue;

/** A value generator for a column's type, or undefined when the type is unknown (the column is then left out). */
function generatorFor(column: Column, engine: ShadowEngine, enums: Map<string, string[]>): Generator | undefined {
  const type = column.type.toLowerCase();
  const enumValues = enums.get(type) ?? enumValuesOf(type);
  if (enumValues && enumValues.length > 0) {
    const values = enumValues;
    return (i) => values[i % values.length] ?? null;
  }
  if (type.endsWith('[]')) return () => '{}';
  const length = Number(/\((\d+)\)/.exec(type)?.[1] ?? 0);
  if (/^(tinyint\(1\)|bool|boolean)/.test(type)) return (i) => i % 2 === 0;
  if (/^(tinyint)/.test(type)) return (i) => i % 100;
  if (/^(int2|smallint)/.test(type)) return (i) => i % 30000;
  if (/(int|serial|integer)/.test(type)) return (i) => i + 1;
  if (/^(numeric|decimal)/.test(type)) {
    const precision = /\((\d+)(?:,\s*(\d+))?\)/.exec(type);
    const scale = Number(precision?.[2] ?? 2);
    const digits = Number(precision?.[1] ?? 12) - scale;
    const limit = digits > 0 ? 10 ** Math.min(digits, 9) : 1;
    return (i) => ((i + 1) % limit) + (scale > 0 ? 0.25 : 0);
  }
  if (/^(float|double|real)/.test(type)) return (i) => i + 0.5;
  if (/^uuid/.test(type)) return (i) => `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
  if (/^jsonb?/.test(type)) return (i) => `{"n": ${i}}`;
  if (/^(timestamp|datetime)/.test(type)) return (i) => isoDay(i, true);
  if (/^date/.test(type)) return (i) => isoDay(i, false);
  if (/^(time|timetz)/.test(type)) return (i) => `${String(i % 24).padStart(2, '0')}:00:00`;
  if (/^year/.test(type)) return (i) => 2000 + (i % 100);
  if (/^interval/.test(type)) return (i) => `${i % 30} days`;
  if (/^inet|^cidr/.test(type)) return (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  if (/^(bytea|blob|binary|varbinary)/.test(type)) return () => (engine === 'postgresql' ? '\\x01' : 'b');
  if (/(char|text|clob|string|citext|name)/.test(type) || type === '') {
    // Values are words, never numbers: a cast of this column to integer fails on the shadow as on production.
    const max = length > 0 ? length : 64;
    return (i) => clip(`v${i}_${column.name}`, max, i);
  }
  if (engine === 'sqlite') return (i) => `v${i}`;
  return undefined;
}

function clip(text: string, max: number, i: number): string {
  if (text.length <= max) return text;
  const tail = `v${i}`;
  return tail.length <= max ? tail : tail.slice(0, max);
}

function isoDay(i: number, withTime: boolean): string {
  const date = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000);
  const day = date.toISOString().slice(0, 10);
  return withTime ? `${day} 12:00:00` : day;
}

function enumValuesOf(mysqlType: string): string[] | undefined {
  const match = /^(?:enum|set)\((.*)\)$/.exec(mysqlType);
  if (!match?.[1]) return undefined;
  return [...match[1].matchAll(/'((?:[^']|'')*)'/g)].map((item) => (item[1] ?? '').replaceAll("''", "'"));
}

function normaliseFetched(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Tables ordered so that every table comes after the tables its foreign keys reference (cycles kept in place). */
export function parentsFirst(tables: Table[]): Table[] {
  const byName = new Map(tables.map((table) => [qualifiedName(table), table]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Table[] = [];
  const visit = (table: Table) => {
    const name = qualifiedName(table);
    if (done.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const fk of table.foreignKeys) {
      const parent = byName.get(fk.referencedTable);
      if (parent && parent !== table) visit(parent);
    }
    visiting.delete(name);
    done.add(name);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}
