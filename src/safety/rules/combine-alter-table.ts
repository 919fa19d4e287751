import type { CatalogView, Rule, RuleContext, StatementAt } from '../types.js';
import { alterTableOf, isExistingTable, type Relation, step } from './ast.js';
import { coveredLines } from './per-transaction.js';

/** ALTER TABLE statements on one table, one after another in one transaction block, that one statement can replace. */
interface Run {
  table: Relation;
  transaction: number | undefined;
  /** The one ALTER TABLE doing every action of the run. */
  merged: string;
  statements: StatementAt[];
}

/**
 * The runs of the file being checked. Rules see one statement at a time; this memory is keyed by the run's catalog,
 * reset when the statement index goes back or the file changes, and reported when the migration ends: one finding
 * per run, however many statements it merges.
 */
interface Memory {
  file: string | undefined;
  lastIndex: number;
  /** Per table: the run its latest ALTER TABLE belongs to. */
  open: Map<string, Run>;
  /** Runs of two statements or more that ended. */
  done: Run[];
}
const memories = new WeakMap<CatalogView, Memory>();

function memoryFor(catalog: CatalogView, file: string | undefined, index: number): Memory {
  let memory = memories.get(catalog);
  if (!memory || memory.file !== file || index <= memory.lastIndex) {
    memory = { file, lastIndex: index, open: new Map(), done: [] };
    memories.set(catalog, memory);
  }
  memory.lastIndex = index;
  return memory;
}

function close(memory: Memory, table: string): void {
  const run = memory.open.get(table);
  if (!run) return;
  memory.open.delete(table);
  if (run.statements.length > 1) memory.done.push(run);
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
 * and SET NOT NULL, an index build, a rename) has to run between them: they cannot be merged across it.
 */
function forgetTouchedTables(context: RuleContext): void {
  const memory = memories.get(context.catalog);
  if (!memory || memory.open.size === 0 || memory.file !== context.file || context.index < memory.lastIndex) return;
  for (const lock of context.statementLocks) close(memory, lock.table);
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
    const { table } = altered;
    const sql = context.statement.sql.trim();
    const at: StatementAt = { index: context.index, span: context.statement.span, sql, kind: 'AlterTableStmt' };
    const run = memory.open.get(table.key);
    // Only an ALTER TABLE of the same transaction block, while the table is still locked, merges with this one.
    const joins =
      run !== undefined &&
      context.inTransaction &&
      run.transaction === context.transaction &&
      context.accessExclusiveHeld.has(table.key) &&
      isExistingTable(context, table.key);
    if (run && joins) {
      run.merged = `${run.merged},\n  ${actionsOf(sql)}`;
      run.statements.push(at);
    } else {
      close(memory, table.key);
      memory.open.set(table.key, { table, transaction: context.transaction, merged: sql, statements: [at] });
    }
    return [];
  },
  finish(context) {
    const memory = memories.get(context.catalog);
    if (!memory || memory.file !== context.file) return [];
    for (const table of [...memory.open.keys()]) close(memory, table);
    memories.delete(context.catalog);
    return memory.done
      .sort((a, b) => (a.statements[0]?.index ?? 0) - (b.statements[0]?.index ?? 0))
      .flatMap((run) => {
        const [first] = run.statements;
        if (!first) return [];
        const { display } = run.table;
        const lineOf = (line: number) => context.sourceLine?.(line) ?? line;
        const lines = coveredLines(
          run.statements.map((each) => ({ index: each.index, line: lineOf(each.span.start.line) })),
        );
        return [
          {
            at: first,
            message: `${display} is altered by ${run.statements.length} ALTER TABLE statements in one transaction (${lines}); merge their actions into one so the table is locked, scanned or rewritten once.`,
            table: display,
            fix: {
              summary: `One ALTER TABLE ${display} with every action, in place of the ${run.statements.length} statements.`,
              steps: [
                step(`Replace the ALTER TABLE ${display} statements at ${lines} with this one.`, `${run.merged};`),
              ],
            },
          },
        ];
      });
  },
};
