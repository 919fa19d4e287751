import type { Rule } from '../types.js';
import { alterTableOf, nodeAs, step } from './ast.js';

function isConcurrent(context: Parameters<Rule['check']>[0]): string | undefined {
  const ast = context.statement.ast;
  if (nodeAs(ast, 'IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if (nodeAs(ast, 'DropStmt')?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = nodeAs(ast, 'ReindexStmt');
  if (reindex?.params?.some((param) => nodeAs(param, 'DefElem')?.defname === 'concurrently'))
    return 'REINDEX CONCURRENTLY';
  const altered = alterTableOf(context);
  if (
    altered?.cmds.some((cmd) => cmd.subtype === 'AT_DetachPartition' && nodeAs(cmd.def, 'PartitionCmd')?.concurrent)
  ) {
    return 'DETACH PARTITION CONCURRENTLY';
  }
  const refresh = nodeAs(ast, 'RefreshMatViewStmt');
  if (refresh?.concurrent) return undefined;
  return undefined;
}

export const concurrentlyInTransaction: Rule = {
  meta: {
    id: 'concurrently-in-transaction',
    title: 'CONCURRENTLY inside a transaction block',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY inside a transaction block, so the migration fails; migration tools wrap files in a transaction unless told not to.',
    safeAlternative:
      "Put the statement in its own migration with the tool's no-transaction switch (e.g. `-- migrate:up transaction:false`, Rails `disable_ddl_transaction!`, Knex `config.transaction = false`).",
    examples: {
      bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCOMMIT;',
      good: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
    },
    peers: { squawk: 'ban-concurrent-index-creation-in-transaction', atlas: 'PG103' },
  },
  appliesTo: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'AlterTableStmt'],
  check(context) {
    if (!context.inTransaction && !context.inDoBlock) return [];
    const what = isConcurrent(context);
    if (!what) return [];
    return [
      {
        // supabase/realtime tries CREATE INDEX CONCURRENTLY in a DO block and falls back to a plain build in its
        // exception handler: the migration does not fail, but the concurrent build never happens.
        message: context.inDoBlock
          ? `${what} cannot run inside a DO block (PostgreSQL refuses it in any function): the concurrent build never happens; an exception handler around it runs its fallback instead, or the migration fails.`
          : `${what} cannot run inside a transaction block; this migration runs in one and will fail.`,
        fix: {
          summary: 'Move the statement into its own migration that runs outside a transaction.',
          steps: [
            step(
              'Run this statement alone, in a migration the tool does not wrap in a transaction.',
              `${context.statement.sql.trim()};`,
              {
                outsideTransaction: true,
                separateMigration: true,
              },
            ),
          ],
        },
      },
    ];
  },
};
