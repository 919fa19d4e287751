import type { ShadowEngine } from '../../shadow/types.js';
import type { SeedColumn, SeedTable, SeedValue } from './types.js';

/** SQL text of seed rows with each engine's quoting: what the SQL seed file holds and what the shadow runs. */

export function quoteIdentifier(name: string, engine: ShadowEngine): string {
  if (engine === 'mysql') return `\`${name.replace(/`/g, '``')}\``;
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualifiedName(name: string, engine: ShadowEngine): string {
  return name
    .split('.')
    .map((part) => quoteIdentifier(part, engine))
    .join('.');
}

export function sqlLiteral(value: SeedValue, column: SeedColumn, engine: ShadowEngine): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return engine === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (engine === 'postgresql') return `ARRAY[${value.map((item) => sqlLiteral(item, column, engine)).join(', ')}]`;
    return quoteString(JSON.stringify(value), engine);
  }
  if (typeof value === 'object') return quoteString(JSON.stringify(value), engine);
  if (column.kind === 'decimal' && /^-?\d+(\.\d+)?$/.test(value)) return value;
  return quoteString(value, engine);
}

function quoteString(text: string, engine: ShadowEngine): string {
  const escaped = text.replace(/'/g, "''");
  return engine === 'mysql' ? `'${escaped.replace(/\\/g, '\\\\')}'` : `'${escaped}'`;
}

/** One INSERT of the given rows (all rows set the same columns). */
export function insertStatement(table: SeedTable, rows: Record<string, SeedValue>[], engine: ShadowEngine): string {
  const columns = table.columns.map((column) => quoteIdentifier(column.name, engine)).join(', ');
  const overriding = table.overridingSystemValue && engine === 'postgresql' ? ' OVERRIDING SYSTEM VALUE' : '';
  const values = rows
    .map((row) => `(${table.columns.map((column) => sqlLiteral(row[column.name] ?? null, column, engine)).join(', ')})`)
    .join(',\n  ');
  return `INSERT INTO ${qualifiedName(table.name, engine)} (${columns})${overriding} VALUES\n  ${values}`;
}

/** PostgreSQL: moves a serial / identity sequence past the explicit ids the seed inserted. */
export function sequenceReset(table: string, column: string): string {
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `SELECT setval(pg_get_serial_sequence(${literal(qualifiedName(table, 'postgresql'))}, ${literal(column)}), (SELECT max(${quoteIdentifier(column, 'postgresql')}) FROM ${qualifiedName(table, 'postgresql')}))`;
}
