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
    // A column already nullable changes nothing.
    const columns = altered.cmds
      .filter((cmd) => cmd.subtype === 'AT_DropNotNull' && cmd.name)
      .map((cmd) => cmd.name as string)
      .filter((name) => context.catalog.columnNotNull(table.key, name) !== false);
    if (columns.length === 0) return [];
    // One statement, one finding: its fix is the statement itself, whatever number of columns it relaxes.
    const one = columns.length === 1;
    const hits: RuleHit[] = [
      {
        message: `${columns.map((name) => `${table.display}.${name}`).join(', ')} may now be NULL: code that assumes a value breaks, and the NOT NULL cannot be restored once NULLs exist.`,
        table: table.display,
        fix: {
          summary: `Ship NULL-safe readers first, then drop the constraint${one ? '' : 's'} in ${one ? 'its' : 'their'} own migration.`,
          steps: [
            step(
              `After every reader handles NULL, drop the constraint${one ? '' : 's'} with a bounded lock wait.`,
              `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
              { separateMigration: true },
            ),
          ],
        },
      },
    ];
    return hits;
  },
};
