import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep } from '../../../mysql/safety/rules/shared.js';
import { tableOptions } from '../table-options.js';

export const sqliteWithoutRowid: DdlRule = {
  meta: {
    id: 'sqlite-without-rowid',
    title: 'WITHOUT ROWID table without a PRIMARY KEY, or with AUTOINCREMENT',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'A WITHOUT ROWID table is stored by its PRIMARY KEY, so it must have one ("PRIMARY KEY missing"), and has no rowid for AUTOINCREMENT to count ("AUTOINCREMENT not allowed on WITHOUT ROWID tables"): CREATE TABLE fails. See https://sqlite.org/withoutrowid.html.',
    safeAlternative:
      'Give it a PRIMARY KEY and generate keys in the application; keep AUTOINCREMENT tables as ordinary rowid tables.',
    examples: {
      bad: 'CREATE TABLE tags (name TEXT) WITHOUT ROWID;',
      good: 'CREATE TABLE tags (name TEXT PRIMARY KEY) WITHOUT ROWID;',
    },
  },
  appliesTo: ['create-table'],
  check({ statement }) {
    if (!tableOptions(statement).withoutRowid) return [];
    const hits: RuleHit[] = [];
    const table = statement.table ?? '';
    const columns = statement.columns ?? [];
    const primaryKey =
      columns.some((column) => column.definition.primaryKey) ||
      (statement.tableConstraints ?? []).some((constraint) => /\bPRIMARY\s+KEY\b/i.test(constraint));
    if (!primaryKey)
      hits.push({
        message: `${table} is WITHOUT ROWID but has no PRIMARY KEY: SQLite refuses it ("PRIMARY KEY missing on table ${table}").`,
        table,
        fix: {
          summary: 'Name its primary key.',
          steps: [fixStep('The column (or columns) that identify a row.', `PRIMARY KEY (<column>)`)],
        },
      });
    for (const column of columns)
      if (/\bAUTOINCREMENT\b/i.test(column.definition.declaredType) || column.definition.autoIncrement)
        hits.push({
          message: `${table}.${column.name} is AUTOINCREMENT in a WITHOUT ROWID table: SQLite refuses it.`,
          table,
          fix: {
            summary: 'Drop WITHOUT ROWID, or AUTOINCREMENT.',
            steps: [
              fixStep(
                'An ordinary rowid table keeps AUTOINCREMENT.',
                `CREATE TABLE ${table} (${column.name} INTEGER PRIMARY KEY AUTOINCREMENT, …);`,
              ),
            ],
          },
        });
    return hits;
  },
};
