import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, isExistingTable, LOCK_TIMEOUT_SQL, step } from './ast.js';

export const dropNotNull: Rule = {
  meta: {
    id: 'drop-not-null',
    title: 'DROP NOT NULL',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Code and consumers written for a NOT NULL column (reports, replicas, other services) start receiving NULLs they do not handle; the change itself is quick but cannot be undone once NULLs are written.',
    safeAlternative:
      'Deploy readers that handle NULL first, then drop the constraint with a short lock_timeout; or keep NOT NULL and store an explicit marker value.',
    examples: {
      bad: 'ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;',
      good: "ALTER TABLE users ALTER COLUMN phone SET DEFAULT '';",
    },
    peers: { squawk: 'ban-drop-not-null' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      if (cmd.subtype !== 'AT_DropNotNull' || !cmd.name) continue;
      hits.push({
        message: `${table.display}.${cmd.name} may now be NULL: code that assumes a value breaks, and the NOT NULL cannot be restored once NULLs exist.`,
        table: table.display,
        fix: {
          summary: 'Ship NULL-safe readers first, then drop the constraint in its own migration.',
          steps: [
            step(
              'After every reader handles NULL, drop the constraint with a bounded lock wait.',
              `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
              {
                separateMigration: true,
              },
            ),
          ],
        },
      });
    }
    return hits;
  },
};
