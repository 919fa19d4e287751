import { quoteIdentifier as mysqlQuote } from '../../engines/mysql/identifiers.js';
import { identifier as pgIdentifier } from '../../engines/postgresql/identifiers.js';
import type { Change } from '../../generate/changes.js';
import type { Engine } from '../../model.js';

/**
 * Sqitch verify queries for a change list: each fails (an error, so `sqitch verify` fails) when the deploy did
 * not happen — the table or column is missing, or the named index does not exist.
 */
export function verifyQueries(changes: Change[], engine: Engine): string[] {
  const mysql = engine === 'mysql' || engine === 'mariadb';
  const id = (name: string) => (mysql ? mysqlQuote(name) : pgIdentifier(name));
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const selectFrom = (table: string, columns: string[]) =>
    `SELECT ${columns.map(id).join(', ')} FROM ${id(table)} WHERE FALSE;`;
  const indexExists = (name: string) => {
    if (mysql)
      return `SELECT 1 / COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = ${literal(name)};`;
    if (engine === 'sqlite')
      return `SELECT 1 / COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ${literal(name)};`;
    return `SELECT 1 / COUNT(*) FROM pg_catalog.pg_indexes WHERE indexname = ${literal(name)};`;
  };
  return changes.flatMap((change): string[] => {
    switch (change.op) {
      case 'create_table':
        return [
          selectFrom(
            change.table,
            change.columns.map((column) => column.name),
          ),
        ];
      case 'add_column':
        return [selectFrom(change.table, [change.column.name])];
      case 'rename_table':
        return [`SELECT 1 FROM ${id(change.to)} WHERE FALSE;`];
      case 'rename_column':
        return [selectFrom(change.table, [change.to])];
      case 'add_index':
        // MySQL's 1 / 0 is NULL, not an error: only the PostgreSQL and SQLite forms fail on a missing index.
        return change.name && !mysql ? [indexExists(change.name)] : [];
      default:
        return [];
    }
  });
}
