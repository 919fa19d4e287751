import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep } from '../../../mysql/safety/rules/shared.js';
import { STRICT_TYPES, tableOptions } from '../table-options.js';

export const sqliteStrictTableTypes: DdlRule = {
  meta: {
    id: 'sqlite-strict-table-types',
    title: 'STRICT table with a type SQLite does not allow there',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'A STRICT table (SQLite 3.37+) checks every value against its column type, and so accepts only the types INT, INTEGER, REAL, TEXT, BLOB and ANY, and a type on every column: VARCHAR(255), DATETIME, BOOLEAN or a column without a type make CREATE TABLE fail ("unknown datatype", "missing datatype"). See https://sqlite.org/stricttables.html.',
    safeAlternative:
      'Use the STRICT types (TEXT for strings and dates, INTEGER for booleans) with a CHECK for lengths and ranges, or drop STRICT.',
    examples: {
      bad: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100)) STRICT;',
      good: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT CHECK (length(name) <= 100)) STRICT;',
    },
  },
  appliesTo: ['create-table', 'alter-table'],
  check({ statement, session }) {
    // A CREATE TABLE … STRICT, or ADD COLUMN to a table an earlier migration created STRICT.
    const columns =
      statement.kind === 'create-table'
        ? tableOptions(statement).strict
          ? (statement.columns ?? [])
          : []
        : statement.table && session.columns.strict(statement.table)
          ? statement.actions.flatMap((action) =>
              action.type === 'add-column' ? [{ name: action.column, definition: action.definition }] : [],
            )
          : [];
    const hits: RuleHit[] = [];
    for (const column of columns) {
      const declared = column.definition.declaredType;
      if (STRICT_TYPES.has(declared.toLowerCase())) continue;
      const strictType = /INT/i.test(declared)
        ? 'INTEGER'
        : /REAL|FLOA|DOUB|NUM|DEC/i.test(declared)
          ? 'REAL'
          : /BLOB/i.test(declared)
            ? 'BLOB'
            : 'TEXT';
      hits.push({
        message:
          declared === ''
            ? `${statement.table}.${column.name} has no type: a STRICT table refuses it ("missing datatype").`
            : `${statement.table}.${column.name} is ${declared}: a STRICT table refuses it ("unknown datatype"); use ${strictType}.`,
        ...(statement.table ? { table: statement.table } : {}),
        fix: {
          summary: `Declare it ${strictType}.`,
          steps: [fixStep('A type STRICT allows (a CHECK keeps a length limit).', `${column.name} ${strictType}`)],
        },
      });
    }
    return hits;
  },
};
