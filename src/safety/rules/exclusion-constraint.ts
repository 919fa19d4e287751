import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  constraintOf,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  severityForSize,
  sizeNote,
  step,
} from './ast.js';

export const exclusionConstraint: Rule = {
  meta: {
    id: 'exclusion-constraint',
    title: 'EXCLUDE constraint added to an existing table',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'An exclusion constraint builds its index under ACCESS EXCLUSIVE and cannot be added NOT VALID or attached from a concurrently built index, so there is no lock-free way to add one.',
    safeAlternative:
      'Run it in a maintenance window with a short lock_timeout, or create a new table with the constraint and migrate rows into it.',
    examples: {
      bad: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);',
      good: 'CREATE TABLE bookings (room_id int, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));',
    },
    peers: { strong_migrations: 'add_exclusion_constraint', eugene: 'E8' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      if (cmd.subtype !== 'AT_AddConstraint' || constraintOf(cmd)?.contype !== 'CONSTR_EXCLUSION') continue;
      hits.push({
        message: `EXCLUDE constraint on ${table.display}${sizeNote(context, table.key)} builds its index under ACCESS EXCLUSIVE; PostgreSQL has no concurrent or NOT VALID form for it.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary: 'No lock-free form exists: bound the wait and run it when traffic is low.',
          steps: [
            step(
              'Run it alone in a maintenance window, failing fast instead of queueing if the lock is not free.',
              `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
              { separateMigration: true },
            ),
          ],
        },
      });
    }
    return hits;
  },
};
