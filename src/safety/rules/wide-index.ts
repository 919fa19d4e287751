import type { Rule } from '../types.js';
import { nodeAs, relationOf } from './ast.js';

export const wideIndex: Rule = {
  meta: {
    id: 'wide-index',
    title: 'Non-unique index on more than three columns',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Every column widens each index entry and slows every write, while queries rarely use more than the leading columns; a wide non-unique index is usually better as a narrower one (plus INCLUDE columns for index-only scans).',
    safeAlternative:
      'Index the two or three most selective leading columns; move columns only needed in the output to INCLUDE (…).',
    examples: {
      bad: 'CREATE INDEX CONCURRENTLY orders_search_idx ON orders (tenant_id, status, user_id, created_at, total);',
      good: 'CREATE INDEX CONCURRENTLY orders_search_idx ON orders (tenant_id, status, created_at) INCLUDE (total);',
    },
    peers: { strong_migrations: 'add_index_columns' },
  },
  appliesTo: ['IndexStmt'],
  check(context) {
    const index = nodeAs(context.statement.ast, 'IndexStmt');
    if (!index || index.unique || (index.indexParams?.length ?? 0) <= 3) return [];
    const table = relationOf(index.relation);
    return [
      {
        message: `Index on ${index.indexParams?.length} columns of ${table?.display ?? 'the table'}: queries rarely use more than the leading three, every write pays for all of them.`,
        ...(table ? { table: table.display } : {}),
      },
    ];
  },
};
