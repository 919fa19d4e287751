import type { Rule } from '../types.js';
import { isExistingTable, nodeAs, relationOf, severityForSize, sizeNote, step } from './ast.js';

export const vacuumFullOrCluster: Rule = {
  meta: {
    id: 'vacuum-full-or-cluster',
    title: 'VACUUM FULL or CLUSTER',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'VACUUM FULL and CLUSTER write a complete new copy of the table and its indexes while holding ACCESS EXCLUSIVE: the table is unreadable until the copy is done, and it needs twice the disk space.',
    safeAlternative:
      'Use REPACK (CONCURRENTLY) on PostgreSQL 19+, or the pg_repack extension, which rebuilds the table online; plain VACUUM reclaims space for reuse without a lock.',
    examples: { bad: 'VACUUM FULL orders;', good: 'VACUUM (ANALYZE) orders;' },
    peers: { squawk: 'prefer-repack', eugene: 'E10' },
  },
  appliesTo: ['VacuumStmt', 'ClusterStmt'],
  check(context) {
    const ast = context.statement.ast;
    const vacuum = nodeAs(ast, 'VacuumStmt');
    const full = vacuum?.options?.some((option) => nodeAs(option, 'DefElem')?.defname === 'full');
    const cluster = nodeAs(ast, 'ClusterStmt');
    if (!full && !cluster) return [];
    const tables = full
      ? (vacuum?.rels ?? []).flatMap((item) => {
          const table = relationOf(nodeAs(item, 'VacuumRelation')?.relation);
          return table ? [table] : [];
        })
      : cluster?.relation
        ? [relationOf(cluster.relation)].flatMap((table) => (table ? [table] : []))
        : [];
    const existing = tables.filter((table) => isExistingTable(context, table.key));
    if (tables.length > 0 && existing.length === 0) return [];
    const what = full ? 'VACUUM FULL' : 'CLUSTER';
    const subject =
      existing.length > 0
        ? existing.map((table) => `${table.display}${sizeNote(context, table.key)}`).join(', ')
        : 'every table in the database';
    const first = existing[0];
    const repack = context.pgVersion >= 19;
    return [
      {
        message: `${what} rewrites ${subject} under ACCESS EXCLUSIVE: no reads or writes until it finishes.`,
        ...(first ? { table: first.display, severity: severityForSize(context, first.key) } : {}),
        fix: {
          summary: repack
            ? 'Rebuild online with REPACK (CONCURRENTLY).'
            : 'Rebuild online with pg_repack, or reclaim space with plain VACUUM.',
          steps: repack
            ? existing.map((table) =>
                step(
                  `Rebuild ${table.display} without blocking reads or writes.`,
                  `REPACK (CONCURRENTLY) ${table.display}${cluster?.indexname ? ` USING INDEX ${cluster.indexname}` : ''};`,
                  {
                    outsideTransaction: true,
                    separateMigration: true,
                  },
                ),
              )
            : [
                step(
                  'Install pg_repack (the server package must be present), then run `pg_repack --table=<table>` from a shell.',
                  'CREATE EXTENSION IF NOT EXISTS pg_repack;',
                  {
                    separateMigration: true,
                  },
                ),
                ...existing.map((table) =>
                  step(
                    `Or just make dead space in ${table.display} reusable, without an exclusive lock.`,
                    `VACUUM (ANALYZE) ${table.display};`,
                    {
                      outsideTransaction: true,
                      separateMigration: true,
                    },
                  ),
                ),
              ],
        },
      },
    ];
  },
};
