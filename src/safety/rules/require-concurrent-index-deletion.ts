import type { Rule } from '../types.js';
import { isExistingTable, namesText, nodeAs, step } from './ast.js';

export const requireConcurrentIndexDeletion: Rule = {
  meta: {
    id: 'require-concurrent-index-deletion',
    title: 'DROP INDEX without CONCURRENTLY',
    category: 'dangerous',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table; while it waits behind a long query, every read and write of the table queues behind it.",
    safeAlternative: 'Use DROP INDEX CONCURRENTLY in its own migration that does not run inside a transaction.',
    examples: {
      bad: 'DROP INDEX orders_status_idx;',
      good: 'DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;',
    },
    peers: { squawk: 'require-concurrent-index-deletion', strong_migrations: 'remove_index', atlas: 'PG102' },
  },
  appliesTo: ['DropStmt'],
  check(context) {
    const drop = nodeAs(context.statement.ast, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return [];
    const hits = [];
    for (const object of drop.objects ?? []) {
      const name = namesText(nodeAs(object, 'List')?.items);
      if (!name) continue;
      const tableKey = context.catalog.indexTable(name);
      if (tableKey && !isExistingTable(context, tableKey)) continue;
      // IF EXISTS of an index the known schema does not have: PostgreSQL skips it and locks nothing.
      if (!tableKey && drop.missing_ok && context.catalog.schemaKnown) continue;
      // The transaction already holds the table ACCESS EXCLUSIVE: the drop waits for no one and blocks no one more.
      if (tableKey && context.inTransaction && context.accessExclusiveHeld.has(tableKey)) continue;
      hits.push({
        message: `DROP INDEX ${name} locks its table against reads and writes; drop it concurrently.`,
        ...(tableKey ? { table: tableKey } : {}),
        fix: {
          summary: 'Drop the index concurrently, outside a transaction.',
          steps: [
            step(
              'Drop the index without blocking reads or writes (its own non-transactional migration).',
              `DROP INDEX CONCURRENTLY IF EXISTS ${name};`,
              {
                outsideTransaction: true,
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
