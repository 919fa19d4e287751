import type { DdlStatement } from '../../../safety/ddl-model.js';

/** STRICT and WITHOUT ROWID, written after a CREATE TABLE's closing parenthesis. */
export function tableOptions(statement: DdlStatement): { strict: boolean; withoutRowid: boolean } {
  const tail = statement.kind === 'create-table' ? statement.sql.slice(statement.sql.lastIndexOf(')') + 1) : '';
  return { strict: /\bSTRICT\b/i.test(tail), withoutRowid: /\bWITHOUT\s+ROWID\b/i.test(tail) };
}

/** The types a STRICT table accepts (https://sqlite.org/stricttables.html). */
export const STRICT_TYPES: ReadonlySet<string> = new Set(['int', 'integer', 'real', 'text', 'blob', 'any']);
