import type { Rule } from '../types.js';
import { nodeAs, step } from './ast.js';

export const transactionNesting: Rule = {
  meta: {
    id: 'transaction-nesting',
    title: 'BEGIN inside a transaction',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: "PostgreSQL has no nested transactions: a BEGIN inside an open transaction (often the migration tool's own) only warns, and the next COMMIT ends the outer transaction early, so the rest of the migration runs without the atomicity you expected.",
    safeAlternative:
      'Remove BEGIN/COMMIT from migrations the tool already wraps, or turn the wrapping off for this migration.',
    examples: {
      bad: 'BEGIN;\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\nCOMMIT;',
      good: 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;',
    },
    peers: { squawk: 'transaction-nesting' },
  },
  appliesTo: ['TransactionStmt'],
  check(context) {
    const transaction = nodeAs(context.statement.ast, 'TransactionStmt');
    if (
      !context.inTransaction ||
      context.implicitTransaction ||
      (transaction?.kind !== 'TRANS_STMT_BEGIN' && transaction?.kind !== 'TRANS_STMT_START')
    )
      return [];
    return [
      {
        message: 'BEGIN inside an open transaction does nothing but warn; the next COMMIT ends the outer transaction.',
        fix: {
          summary:
            'Remove the inner BEGIN and its COMMIT; if a partial rollback point was the intent, use a savepoint.',
          steps: [
            step(
              'A savepoint in place of the inner BEGIN (and RELEASE SAVEPOINT in place of its COMMIT).',
              'SAVEPOINT migration_step;',
            ),
          ],
        },
      },
    ];
  },
  // A BEGIN the file never closes: the session ends with the transaction open, and PostgreSQL rolls it back.
  finish(context) {
    const open = context.openTransaction;
    if (!open || context.assumeInTransaction) return [];
    return [
      {
        at: open,
        message: `The transaction opened at line ${open.span.start.line} is never committed: when the session ends, PostgreSQL rolls back every change after this BEGIN (psql and most runners disconnect without committing).`,
        fix: {
          summary: 'End the migration with COMMIT.',
          steps: [step("Commit the transaction as the migration's last statement.", 'COMMIT;')],
        },
      },
    ];
  },
};
