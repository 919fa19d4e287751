import { describeDuration, estimateSeconds, formatCount, type WorkKind, workKind } from '../estimate.js';
import { queryRelations } from '../query-relations.js';
import { isSystemCatalog } from '../system-relations.js';
import type { Rule, RuleContext } from '../types.js';
import { alterTableOf, displayOf, isExistingTable, nodeAs, step } from './ast.js';
import { flaggedIndexBuild } from './require-concurrent-index-creation.js';

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
    // A plain CREATE INDEX on the one held table: require-concurrent-index-creation reports the build and the reads it blocks.
    const build = flaggedIndexBuild(context);
    if (build && held.length === 1 && held[0] === build.table.key) return [];
    // A quick statement (a rename, an index drop, a metadata-only ALTER, a write by key) adds nothing worth reporting.
    const work = longWork(context);
    if (work.length === 0) return [];
    const names = held.map(heldName).join(', ');
    const named = held.find((table) => !table.startsWith('index:'));
    return [
      {
        message: `${names} ${held.length > 1 ? 'are' : 'is'} locked ACCESS EXCLUSIVE by an earlier statement of this transaction; this statement keeps ${held.length > 1 ? 'them' : 'it'} unavailable for reads and writes while it runs: ${extraTime(context, work)}.`,
        ...(named ? { table: displayOf(named) } : {}),
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

/** A held table's name; the table of an index the schema does not know is named by its index. */
function heldName(table: string): string {
  return table.startsWith('index:')
    ? `the table of index ${displayOf(table.slice('index:'.length))}`
    : displayOf(table);
}

type Work = { table: string; kind: Exclude<WorkKind, 'metadata'> };

const WORK_WORDS: Record<Work['kind'], string> = {
  scan: 'a scan of',
  indexBuild: 'an index build on',
  rewrite: 'a rewrite of',
  dml: 'a write to every matching row of',
};

/**
 * The long work the statement does under the held lock — a scan, rewrite, index build, validation, backfill or
 * a query reading tables — one entry per table; none for quick statements.
 */
function longWork(context: RuleContext): Work[] {
  const ast = context.statement.ast;
  const work: Work[] = [];
  const buildsIndex =
    nodeAs(ast, 'IndexStmt') !== undefined || /\b(UNIQUE|PRIMARY\s+KEY|EXCLUDE)\b/i.test(context.statement.sql);
  for (const lock of context.statementLocks) {
    if (!lock.scan && !lock.rewrite) continue;
    // A table this migration created starts empty: validating or indexing it is no long work.
    if (context.catalog.tableCreatedInThisMigration(lock.table)) continue;
    if (lock.mode === 'ROW EXCLUSIVE' && writesByKey(context, lock.table)) continue;
    const kind = workKind({ ...lock, on: 'table' }, buildsIndex);
    if (kind !== 'metadata') work.push({ table: lock.table, kind });
  }
  const query = nodeAs(ast, 'SelectStmt') ?? nodeAs(ast, 'InsertStmt')?.selectStmt;
  if (query !== undefined)
    // A catalog read (knex's hasTable / hasColumn) takes milliseconds however large the held table is.
    for (const table of queryRelations(query))
      if (!isSystemCatalog(table) && !work.some((item) => item.table === table)) work.push({ table, kind: 'scan' });
  return work;
}

/** "about 6 s more (estimate for a rewrite of orders at 1,200,000 rows)", or what is unknown when no size is. */
function extraTime(context: RuleContext, work: Work[]): string {
  let seconds = 0;
  const known: string[] = [];
  const unknown: string[] = [];
  for (const item of work) {
    const rows = context.catalog.rowCount(item.table);
    if (rows === undefined) unknown.push(`${WORK_WORDS[item.kind]} ${displayOf(item.table)}`);
    else {
      seconds += estimateSeconds(item.kind, rows);
      known.push(`${WORK_WORDS[item.kind]} ${displayOf(item.table)} at ${formatCount(rows)} rows`);
    }
  }
  const parts: string[] = [];
  if (known.length > 0) parts.push(`${describeDuration(seconds)} more (estimate for ${known.join('; ')})`);
  if (unknown.length > 0)
    parts.push(`${parts.length > 0 ? 'plus ' : ''}as long as ${unknown.join(' and ')} takes (row count unknown)`);
  return parts.join(', ');
}

/**
 * UPDATE/DELETE whose WHERE pins a key to constants (`id = 5`, `id IN (1, 2)`): a few rows found by index, not a
 * backfill. A key is a primary key or single-column unique index the catalog knows, else a column named id.
 */
function writesByKey(context: RuleContext, table: string): boolean {
  const ast = context.statement.ast;
  const where = nodeAs(ast, 'UpdateStmt')?.whereClause ?? nodeAs(ast, 'DeleteStmt')?.whereClause;
  if (!where) return false;
  const keys = keyColumns(context, table);
  const conjuncts =
    nodeAs(where, 'BoolExpr')?.boolop === 'AND_EXPR' ? (nodeAs(where, 'BoolExpr')?.args ?? []) : [where];
  return conjuncts.some((conjunct) => {
    const expr = nodeAs(conjunct, 'A_Expr');
    if (!expr) return false;
    const operator = (expr.name ?? []).map((part) => nodeAs(part, 'String')?.sval).join('.');
    const column = (nodeAs(expr.lexpr, 'ColumnRef')?.fields ?? []).map((field) => nodeAs(field, 'String')?.sval).at(-1);
    if (!column || !keys.has(column)) return false;
    if (expr.kind === 'AEXPR_OP' && operator === '=') return nodeAs(expr.rexpr, 'A_Const') !== undefined;
    if (expr.kind === 'AEXPR_IN' && operator === '=')
      return (nodeAs(expr.rexpr, 'List')?.items ?? []).every((item) => nodeAs(item, 'A_Const') !== undefined);
    return false;
  });
}

function keyColumns(context: RuleContext, table: string): Set<string> {
  const keys = new Set<string>();
  for (const constraint of context.catalog.constraints(table))
    if ((constraint.kind === 'primary-key' || constraint.kind === 'unique') && constraint.columns.length === 1)
      keys.add(constraint.columns[0] as string);
  for (const index of context.catalog.indexes(table))
    if (index.unique && index.columns.length === 1) keys.add(index.columns[0] as string);
  if (keys.size === 0) keys.add('id');
  return keys;
}
