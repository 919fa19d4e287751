import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, isExistingTable, LOCK_TIMEOUT_SQL, nodeAs, relationOf, step } from './ast.js';

export const detachPartitionConcurrently: Rule = {
  meta: {
    id: 'detach-partition-concurrently',
    title: 'DETACH PARTITION without CONCURRENTLY',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'parent table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'A plain DETACH PARTITION takes ACCESS EXCLUSIVE on the partitioned parent, so every query on any partition of the table waits behind it.',
    safeAlternative:
      'On PostgreSQL 14+ use DETACH PARTITION … CONCURRENTLY (outside a transaction, not with a default partition); it takes only SHARE UPDATE EXCLUSIVE on the parent.',
    examples: {
      bad: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
      good: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
    },
    peers: { squawk: 'require-concurrent-partition-detach' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const partition = cmd.subtype === 'AT_DetachPartition' ? nodeAs(cmd.def, 'PartitionCmd') : undefined;
      const child = relationOf(partition?.name);
      if (!partition || partition.concurrent || !child) continue;
      const canFix = context.pgVersion >= 14;
      hits.push({
        message: `DETACH PARTITION ${child.display} locks ${table.display} and all its partitions against reads and writes${canFix ? '' : ' (CONCURRENTLY needs PostgreSQL 14+)'}.`,
        table: table.display,
        fix: canFix
          ? {
              summary: `Detach concurrently, outside a transaction; if it is interrupted, finish with ALTER TABLE ${table.display} DETACH PARTITION ${child.display} FINALIZE.`,
              steps: [
                step(
                  'Detach with SHARE UPDATE EXCLUSIVE on the parent (its own non-transactional migration).',
                  `ALTER TABLE ${table.display} DETACH PARTITION ${child.display} CONCURRENTLY;`,
                  {
                    outsideTransaction: true,
                    separateMigration: true,
                  },
                ),
              ],
            }
          : {
              summary: 'Before PostgreSQL 14 there is no concurrent form: bound the lock wait.',
              steps: [
                step(
                  'Fail fast instead of queueing every query behind the detach.',
                  `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
                ),
              ],
            },
      });
    }
    return hits;
  },
};
