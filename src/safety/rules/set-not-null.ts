import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, isExistingTable, notNullViaCheckSteps, severityForSize, sizeNote } from './ast.js';

export const setNotNull: Rule = {
  meta: {
    id: 'set-not-null',
    title: 'SET NOT NULL on an existing column',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: true,
    why: 'SET NOT NULL scans every row to prove there are no NULLs while holding ACCESS EXCLUSIVE, and old code that inserts without the column starts failing.',
    safeAlternative:
      'Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL (PostgreSQL 12+ skips the scan because the CHECK proves it) and drop the CHECK.',
    examples: {
      bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      good: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    },
    peers: {
      squawk: 'adding-not-nullable-field',
      strong_migrations: 'change_column_null_postgresql',
      eugene: 'E2',
      atlas: 'PG303',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const columns = altered.cmds
      .filter((cmd) => cmd.subtype === 'AT_SetNotNull' && cmd.name)
      .map((cmd) => cmd.name as string)
      // Already NOT NULL: PostgreSQL has nothing to prove and scans nothing.
      .filter((name) => context.catalog.columnNotNull(table.key, name) !== true)
      .filter((name) => !(context.pgVersion >= 12 && context.catalog.hasValidatedNotNullCheck(table.key, name)));
    if (columns.length === 0) return [];
    // PostgreSQL checks every SET NOT NULL of one ALTER in one scan: one finding, the CHECK steps of each column.
    const steps = columns.flatMap((name) => {
      const each = notNullViaCheckSteps(table, name);
      return context.pgVersion >= 12 ? each : each.slice(0, 2);
    });
    const hits: RuleHit[] = [
      {
        message: `SET NOT NULL on ${columns.map((name) => `${table.display}.${name}`).join(', ')}${sizeNote(context, table.key)} scans the whole table under ACCESS EXCLUSIVE${context.pgVersion >= 12 ? `; a validated CHECK (… IS NOT NULL)${columns.length > 1 ? ' on each' : ''} would let PostgreSQL skip the scan` : ''}.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary:
            context.pgVersion >= 12
              ? 'CHECK NOT VALID → VALIDATE → SET NOT NULL (no scan) → drop the CHECK.'
              : 'Before PostgreSQL 12 SET NOT NULL always scans: keep the validated CHECK as the guarantee instead.',
          steps,
        },
      },
    ];
    return hits;
  },
};
