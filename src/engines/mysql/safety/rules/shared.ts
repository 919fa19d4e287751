import type { DdlRuleContext } from '../../../../safety/ddl-check.js';
import type { FixStep } from '../../../../safety/types.js';

/** The table the statement changes, when it existed before this file (a table created here has no traffic). */
export function existingTable(context: DdlRuleContext): string | undefined {
  const table = context.statement.table;
  return table && !context.createdHere(table) ? table : undefined;
}

/** `users` → `` `users` ``, `db.users` → `` `db`.`users` ``. */
export function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `\`${part.replace(/`/g, '``')}\``)
    .join('.');
}

export function fixStep(description: string, sql: string, separateMigration = false): FixStep {
  return { description, sql, outsideTransaction: false, separateMigration };
}

export const LOCK_WAIT_TIMEOUT_SQL = 'SET SESSION lock_wait_timeout = 5;';

/** How many rows, when known, for messages: " (about 2,000,000 rows)". */
export function rowsNote(context: DdlRuleContext, table: string): string {
  const rows = context.rowCount(table);
  return rows === undefined ? '' : ` (about ${rows.toLocaleString('en-US')} rows)`;
}
