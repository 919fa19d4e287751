import { createHash } from 'node:crypto';
import type { Schema, Table } from '../schema/model.js';
import { qualifiedName } from '../schema/model.js';
import { quoteIdent, quoteQualified } from './sql-text.js';
import type { ShadowDatabase } from './types.js';

/**
 * Row counts and per-column checksums (md5 over the column's values in primary-key order) of every table, so a
 * rehearsal can say which data survived up → down untouched and which a step destroyed.
 */

export interface TableFingerprint {
  table: string;
  rows: number;
  /** Column → md5 of its values in row order. */
  columns: Record<string, string>;
  /** Column → number of non-NULL values (what a DROP COLUMN destroys). */
  nonNull: Record<string, number>;
}

export type DataFingerprint = Map<string, TableFingerprint>;

export async function fingerprintData(db: ShadowDatabase, schema: Schema): Promise<DataFingerprint> {
  const result: DataFingerprint = new Map();
  for (const table of schema.tables) result.set(qualifiedName(table), await fingerprintTable(db, table));
  return result;
}

async function fingerprintTable(db: ShadowDatabase, table: Table): Promise<TableFingerprint> {
  const engine = db.engine;
  const order = table.primaryKey?.columns.length
    ? table.primaryKey.columns
    : table.columns.map((column) => column.name);
  const select = table.columns.map((column) => quoteIdent(engine, column.name)).join(', ');
  const rows = select
    ? await db.query(
        `SELECT ${select} FROM ${quoteQualified(engine, qualifiedName(table))} ORDER BY ${order.map((name) => quoteIdent(engine, name)).join(', ')}`,
      )
    : [];
  const hashes = new Map(table.columns.map((column) => [column.name, createHash('md5')]));
  const nonNull: Record<string, number> = Object.fromEntries(table.columns.map((column) => [column.name, 0]));
  for (const row of rows) {
    for (const column of table.columns) {
      const value = row[column.name];
      if (value !== null && value !== undefined) nonNull[column.name] = (nonNull[column.name] ?? 0) + 1;
      hashes.get(column.name)?.update(`${stableText(value)}\u0001`);
    }
  }
  return {
    table: qualifiedName(table),
    rows: rows.length,
    columns: Object.fromEntries([...hashes].map(([name, hash]) => [name, hash.digest('hex')])),
    nonNull,
  };
}

function stableText(value: unknown): string {
  if (value === null || value === undefined) return '\u0000null';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
