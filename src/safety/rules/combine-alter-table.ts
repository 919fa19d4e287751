import type { CatalogView, Rule, RuleContext } from '../types.js';
import { alterTableOf, isExistingTable, step } from './ast.js';

/**
 * The earlier ALTER TABLE statements of the file being checked, per table. Rules see one statement at a time;
 * this memory is keyed by the run's catalog and reset when the statement index goes back or the file changes.
 */
interface Memory {
  file: string | undefined;
  lastIndex: number;
  /** Per table: the transaction block of its latest ALTER TABLE, and the actions merged so far in it. */
  byTable: Map<string, { transaction: number | undefined; merged: string }>;
}
const memories = new WeakMap<CatalogView, Memory>();

function memoryFor(catalog: CatalogView, file: string | undefined, index: number): Memory {
  let memory = memories.get(catalog);
  if (!memory || memory.file !== file || index <= memory.lastIndex) {
    memory = { file, lastIndex: index, byTable: new Map() };
    memories.set(catalog, memory);
  }
  memory.lastIndex = index;
  return memory;
}

/** `ALTER TABLE t ADD COLUMN b int` → `ADD COLUMN b int`. */
function actionsOf(sql: string): string {
  return sql
    .trim()
    .replace(
      /^ALTER\s+TABLE\s+(IF\s+EXISTS\s+)?(ONLY\s+)?("(?:[^"]|"")+"|[^\s."]+)(\.("(?:[^"]|"")+"|[^\s."]+))?\s+/i,
      '',
    );
}

/**
 * A statement between two ALTER TABLEs that locks the table to read or write it (the backfill between ADD COLUMN
 * and SET NOT NULL, an index build) has to run between them: they cannot be merged across it.
 */
function forgetTouchedTables(context: RuleContext): void {
  const memory = memories.get(context.catalog);
  if (!memory || memory.byTable.size === 0 || memory.file !== context.file || context.index < memory.lastIndex) return;
  for (const lock of context.statementLocks) memory.byTable.delete(lock.table);
}

export const combineAlterTable: Rule = {
  meta: {
    id: 'combine-alter-table',
    title: 'Several ALTER TABLEs on one table in a transaction',
    category: 'careful',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Each ALTER TABLE may scan or rewrite the table separately while the first one already holds ACCESS EXCLUSIVE; one ALTER TABLE with comma-separated actions does the work in a single pass.',
    safeAlternative: 'Merge the actions into a single ALTER TABLE … action, action, … statement.',
    examples: {
      bad: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;',
      good: 'ALTER TABLE users ADD COLUMN a text, ADD COLUMN b text;',
    },
    peers: { eugene: 'W12' },
  },
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || context.inDoBlock) {
      forgetTouchedTables(context);
      return [];
    }
    const memory = memoryFor(context.catalog, context.file, context.index);
    const sql = context.statement.sql.trim();
    const remembered = memory.byTable.get(altered.table.key);
    // Only an ALTER TABLE of the same transaction block can be merged with this one.
    const earlier = remembered?.transaction === context.transaction ? remembered?.merged : undefined;
    const repeated =
      context.inTransaction &&
      earlier !== undefined &&
      context.accessExclusiveHeld.has(altered.table.key) &&
      isExistingTable(context, altered.table.key);
    const merged = repeated ? `${earlier},\n  ${actionsOf(sql)}` : sql;
    memory.byTable.set(altered.table.key, { transaction: context.transaction, merged });
    if (!repeated) return [];
    return [
      {
        message: `${altered.table.display} was already altered earlier in this transaction; merge the actions into one ALTER TABLE so the table is locked, scanned or rewritten once.`,
        table: altered.table.display,
        fix: {
          summary: `One ALTER TABLE ${altered.table.display} with every action, in place of the separate statements.`,
          steps: [
            step(
              `Replace the ALTER TABLE ${altered.table.display} statements of this transaction with this one.`,
              `${merged};`,
            ),
          ],
        },
      },
    ];
  },
};
