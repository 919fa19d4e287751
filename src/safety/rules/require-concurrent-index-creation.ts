import type { IndexStmt } from 'libpg-query';
import { existingIndexNamed } from '../catalog.js';
import type { Rule, RuleContext } from '../types.js';
import {
  isExistingTable,
  nodeAs,
  type Relation,
  relationOf,
  severityForSize,
  sizeNote,
  step,
  withConcurrently,
} from './ast.js';
import { partitionedIndexSteps } from './partitioned-index.js';

export const requireConcurrentIndexCreation: Rule = {
  meta: {
    id: 'require-concurrent-index-creation',
    title: 'CREATE INDEX without CONCURRENTLY on an existing table',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'SHARE', on: 'table', blocks: 'writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'A plain CREATE INDEX holds a SHARE lock for the whole index build, so every INSERT, UPDATE and DELETE on the table waits until the index is finished, which is minutes on a big table.',
    safeAlternative:
      'Build the index with CREATE INDEX CONCURRENTLY in its own migration that does not run inside a transaction; if it fails, drop the INVALID index it leaves and retry.',
    examples: {
      bad: 'CREATE INDEX orders_user_id_idx ON orders (user_id);',
      good: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
    },
    peers: {
      squawk: 'require-concurrent-index-creation',
      strong_migrations: 'add_index',
      eugene: 'E6',
      atlas: 'PG101',
    },
  },
  appliesTo: ['IndexStmt'],
  check(context) {
    const flagged = flaggedIndexBuild(context);
    if (!flagged) return [];
    const { index, table } = flagged;
    if (context.catalog.isPartitioned(table.key)) {
      const steps = partitionedIndexSteps(context, table.key);
      if (steps)
        return [
          {
            message: `CREATE INDEX on partitioned table ${table.display} blocks writes to it and its partitions until every partition's index is built; CONCURRENTLY is refused on a partitioned table.`,
            table: table.display,
            severity: severityForSize(context, table.key),
            fix: {
              summary: 'Index the parent ON ONLY, build each partition’s index concurrently, then attach each one.',
              steps,
            },
          },
        ];
    }
    const concurrent = withConcurrently(context.statement.sql.trim(), /^CREATE\s+(UNIQUE\s+)?INDEX/i);
    const name = index.idxname;
    return [
      {
        message: heldByTransaction(context, table.key)
          ? `CREATE INDEX on existing table ${table.display}${sizeNote(context, table.key)} runs while an earlier statement of this transaction holds it ACCESS EXCLUSIVE: reads and writes wait until the index is built.`
          : `CREATE INDEX on existing table ${table.display}${sizeNote(context, table.key)} blocks writes to it until the index is built.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary: 'Build the index concurrently, outside a transaction.',
          steps: [
            ...(name
              ? [
                  step(
                    'Remove an INVALID leftover of an earlier failed concurrent build, if any.',
                    `DROP INDEX CONCURRENTLY IF EXISTS ${name};`,
                    { outsideTransaction: true, separateMigration: true },
                  ),
                ]
              : []),
            step('Build the index without blocking writes (its own non-transactional migration).', `${concurrent};`, {
              outsideTransaction: true,
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};

/**
 * The index's table is already held ACCESS EXCLUSIVE by the transaction: the build blocks reads too. This finding
 * then says so, and statement-after-access-exclusive leaves the statement to it (one problem, one finding).
 */
function heldByTransaction(context: RuleContext, table: string): boolean {
  return context.inTransaction && context.accessExclusiveHeld.has(table);
}

/** A plain CREATE INDEX this rule reports: it builds an index on an existing table, blocking its writes. */
export function flaggedIndexBuild(context: RuleContext): { index: IndexStmt; table: Relation } | undefined {
  const index = nodeAs(context.statement.ast, 'IndexStmt');
  const table = relationOf(index?.relation);
  if (!index || !table || index.concurrent || !isExistingTable(context, table.key)) return undefined;
  // The index is there already: PostgreSQL skips the statement (harbor's 0060 repeats 0053's indexes).
  if (existingIndexNamed(context.catalog, table.key, index)) return undefined;
  // ON ONLY a partitioned parent builds nothing: it is the first step of indexing a partitioned table online.
  if (context.catalog.isPartitioned(table.key) && index.relation?.inh !== true) return undefined;
  return { index, table };
}
