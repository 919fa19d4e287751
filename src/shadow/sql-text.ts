import { quoteIdentifier as quoteMysql } from '../engines/mysql/identifiers.js';
import { quoteIdentifier as quotePostgres } from '../engines/postgresql/identifiers.js';
import { quoteIdentifier as quoteSqlite } from '../engines/sqlite/identifiers.js';
import type { ShadowEngine } from './types.js';

const QUOTE_IDENTIFIER: Record<ShadowEngine, (name: string) => string> = {
  postgresql: quotePostgres,
  mysql: quoteMysql,
  sqlite: quoteSqlite,
};

/** Identifier and literal quoting per engine, for the SQL the tool itself writes (synthetic rows, checksums). */
export function quoteIdent(engine: ShadowEngine, name: string): string {
  return QUOTE_IDENTIFIER[engine](name);
}

/** `schema.table` → quoted parts. */
export function quoteQualified(engine: ShadowEngine, qualified: string): string {
  return qualified
    .split('.')
    .map((part) => quoteIdent(engine, part))
    .join('.');
}

export type SqlValue = string | number | boolean | null;

export function literal(engine: ShadowEngine, value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return engine === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  const escaped = value.replaceAll("'", "''");
  return engine === 'mysql' ? `'${escaped.replaceAll('\\', '\\\\')}'` : `'${escaped}'`;
}
