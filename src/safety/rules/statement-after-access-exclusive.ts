import { queryRelations } from '../query-relations.js';
import type { Rule, RuleContext } from '../types.js';
import { alterTableOf, displayOf, isExistingTable, nodeAs, step } from './ast.js';

export const statementAfterAccessExclusive: Rule = {
  meta: {
    id: 'statement-after-access-exclusive',
    title: 'More work in a transaction that already holds ACCESS EXCLUSIVE',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Locks are held until the transaction ends, so everything that runs after an ACCESS EXCLUSIVE statement in the same transaction extends the time the table is completely unavailable.',
    safeAlternative:
      'Commit right after the statement that takes ACCESS EXCLUSIVE; run the rest in its own transaction or migration.',
    examples: {
      bad: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;',
      good: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nUPDATE users SET nickname = name; -- batched, separately',
    },
    peers: { eugene: 'E4' },
  },
  check(context) {
    if (!context.inTransaction || context.accessExclusiveHeld.size === 0) return [];
    const ast = context.statement.ast;
    if (nodeAs(ast, 'TransactionStmt') || nodeAs(ast, 'VariableSetStmt') || nodeAs(ast, 'VariableShowStmt')) return [];
    const held = [...context.accessExclusiveHeld].filter((table) => isExistingTable(context, table));
    if (held.length === 0) return [];
    const altered = alterTableOf(context);
    // Another ALTER of a held table is reported by combine-alter-table instead.
    if (altered && held.includes(altered.table.key)) return [];
    // A quick statement (a rename, an index drop, a metadata-only ALTER) adds nothing worth reporting.
    if (!doesLongWork(context)) return [];
    const names = held.map(displayOf).join(', ');
    return [
      {
        message: `${names} ${held.length > 1 ? 'are' : 'is'} locked ACCESS EXCLUSIVE by an earlier statement of this transaction; this statement keeps ${held.length > 1 ? 'them' : 'it'} unavailable for reads and writes while it runs.`,
        table: displayOf(held[0] ?? ''),
        fix: {
          summary: 'Commit before this statement; run it in its own transaction.',
          steps: [
            step('End the transaction right after the ACCESS EXCLUSIVE statement.', 'COMMIT;'),
            step(
              'Run this statement in a new transaction (or its own migration).',
              `BEGIN;\n${context.statement.sql.trim()};\nCOMMIT;`,
              { separateMigration: true },
            ),
          ],
        },
      },
    ];
  },
};

/** The statement reads or rewrites a whole table: a scan, rewrite, index build, validation, backfill or query. */
function doesLongWork(context: RuleContext): boolean {
  if (context.statementLocks.some((lock) => lock.scan || lock.rewrite)) return true;
  const ast = context.statement.ast;
  const query = nodeAs(ast, 'SelectStmt') ?? nodeAs(ast, 'InsertStmt')?.selectStmt;
  return query !== undefined && queryRelations(query).length > 0;
}
