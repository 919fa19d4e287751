import type { Rule } from '../types.js';
import { nodeAs, relationOf, step } from './ast.js';

export const requireConcurrentReindex: Rule = {
  meta: {
    id: 'require-concurrent-reindex',
    title: 'REINDEX without CONCURRENTLY',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [
      { mode: 'SHARE', on: 'table', blocks: 'writes' },
      { mode: 'ACCESS EXCLUSIVE', on: 'index', blocks: 'reads and writes' },
    ],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'A plain REINDEX blocks writes to the table and takes ACCESS EXCLUSIVE on each index it rebuilds; the planner opens every index of a table it plans a query on, so reads wait for the whole rebuild too, even those that scan the table without the index.',
    safeAlternative: 'Use REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction block.',
    examples: { bad: 'REINDEX TABLE orders;', good: 'REINDEX TABLE CONCURRENTLY orders;' },
    peers: { squawk: 'require-concurrent-reindex' },
  },
  appliesTo: ['ReindexStmt'],
  check(context) {
    const reindex = nodeAs(context.statement.ast, 'ReindexStmt');
    if (!reindex) return [];
    if (reindex.params?.some((param) => nodeAs(param, 'DefElem')?.defname === 'concurrently')) return [];
    if (reindex.kind === 'REINDEX_OBJECT_SYSTEM') return [];
    const table = relationOf(reindex.relation);
    const canFix = context.pgVersion >= 12;
    const concurrent = context.statement.sql
      .trim()
      .replace(/^REINDEX(\s*\([^)]*\))?\s+(INDEX|TABLE|SCHEMA|DATABASE)/i, (match) => `${match} CONCURRENTLY`);
    return [
      {
        message: `REINDEX blocks reads and writes${table ? ` of ${table.display}` : ''} for the whole rebuild${canFix ? '; rebuild concurrently instead' : ' (REINDEX CONCURRENTLY needs PostgreSQL 12+)'}.`,
        ...(table ? { table: table.display } : {}),
        fix: canFix
          ? {
              summary: 'Rebuild concurrently, outside a transaction.',
              steps: [
                step('Rebuild without blocking reads or writes.', `${concurrent};`, {
                  outsideTransaction: true,
                  separateMigration: true,
                }),
              ],
            }
          : {
              summary: 'On PostgreSQL before 12, build a new index concurrently and drop the old one concurrently.',
              steps: [
                step(
                  'Build a replacement with CREATE INDEX CONCURRENTLY under a new name, then DROP INDEX CONCURRENTLY the old one and rename the new one.',
                  `${context.statement.sql.trim()};`,
                  {
                    separateMigration: true,
                  },
                ),
              ],
            },
      },
    ];
  },
};
