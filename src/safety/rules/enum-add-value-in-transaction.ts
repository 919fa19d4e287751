import type { Rule } from '../types.js';
import { namesText, nodeAs, step } from './ast.js';

export const enumAddValueInTransaction: Rule = {
  meta: {
    id: 'enum-add-value-in-transaction',
    title: 'ALTER TYPE … ADD VALUE inside a transaction before PostgreSQL 12',
    category: 'safe',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block and the migration fails; from 12 on it can, but the new value cannot be used until the transaction commits.',
    safeAlternative:
      'Run ADD VALUE in its own migration outside a transaction (or upgrade to PostgreSQL 12+), and use the value only in later migrations.',
    examples: {
      bad: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;",
      good: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';",
    },
  },
  appliesTo: ['AlterEnumStmt'],
  check(context) {
    const change = nodeAs(context.statement.ast, 'AlterEnumStmt');
    if (!change || change.oldVal || !change.newVal || !context.inTransaction || context.pgVersion >= 12) return [];
    return [
      {
        message: `ALTER TYPE ${namesText(change.typeName)} ADD VALUE cannot run inside a transaction block on PostgreSQL ${context.pgVersion}.`,
        fix: {
          summary: 'Run it alone, outside a transaction.',
          steps: [
            step('Its own non-transactional migration.', `${context.statement.sql.trim()};`, {
              outsideTransaction: true,
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};
