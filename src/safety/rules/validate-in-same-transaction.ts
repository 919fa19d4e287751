import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, ident, step } from './ast.js';

export const validateInSameTransaction: Rule = {
  meta: {
    id: 'validate-in-same-transaction',
    title: 'VALIDATE CONSTRAINT in the same transaction as its NOT VALID add',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'The lock taken by ADD CONSTRAINT … NOT VALID is held until the transaction ends, so validating in the same transaction scans the table under that lock and NOT VALID gains nothing.',
    safeAlternative:
      'Commit the NOT VALID constraint first; validate it in a separate migration (its own transaction).',
    examples: {
      bad: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;',
      good: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n-- next migration\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
    },
    peers: {
      squawk: 'constraint-missing-not-valid',
      strong_migrations: 'validate_check_constraint / validate_foreign_key',
      eugene: 'E4',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    if (!context.inTransaction) return [];
    const altered = alterTableOf(context);
    if (!altered) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      if (cmd.subtype !== 'AT_ValidateConstraint' || !cmd.name) continue;
      const constraint = context.catalog.constraint(table.key, cmd.name);
      // Without catalog knowledge of the constraint, an ACCESS EXCLUSIVE lock still held on the table from an
      // earlier statement of this transaction (e.g. the ADD CHECK … NOT VALID) is the same hazard.
      const heldLock = context.accessExclusiveHeld.has(table.key);
      if (!constraint?.addedInCurrentTransaction && !heldLock) continue;
      if (context.catalog.tableCreatedInCurrentTransaction(table.key)) continue;
      hits.push({
        message: constraint?.addedInCurrentTransaction
          ? `${cmd.name} was added NOT VALID in this same transaction: its lock on ${table.display} is still held, so this VALIDATE scans the table while ${constraint.kind === 'foreign-key' && !heldLock ? 'writes are' : 'reads and writes are'} blocked.`
          : `${table.display} is still locked ACCESS EXCLUSIVE by an earlier statement of this transaction, so this VALIDATE scans it while reads and writes are blocked.`,
        table: table.display,
        fix: {
          summary: 'Commit the NOT VALID constraint, validate it in its own later migration.',
          steps: [
            step(
              'Commit the transaction right after adding the constraint NOT VALID (remove this VALIDATE from it).',
              'COMMIT;',
            ),
            step(
              'Validate in a separate migration (SHARE UPDATE EXCLUSIVE: reads and writes continue).',
              `ALTER TABLE ${table.display} VALIDATE CONSTRAINT ${ident(cmd.name)};`,
              { separateMigration: true },
            ),
          ],
        },
      });
    }
    return hits;
  },
};
