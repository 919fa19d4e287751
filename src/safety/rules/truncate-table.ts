import type { Rule } from '../types.js';
import { batchedDeleteSql, isExistingTable, LOCK_TIMEOUT_SQL, nodeAs, relationOf, step } from './ast.js';

export const truncateTable: Rule = {
  meta: {
    id: 'truncate-table',
    title: 'TRUNCATE',
    category: 'dangerous',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'TRUNCATE deletes every row under ACCESS EXCLUSIVE; with CASCADE it silently empties every table that references it through a foreign key too.',
    safeAlternative: 'Name every table to empty explicitly (no CASCADE), or delete in batches if the table is in use.',
    examples: { bad: 'TRUNCATE sessions CASCADE;', good: 'DELETE FROM sessions WHERE expires_at < now();' },
    peers: { squawk: 'ban-truncate-cascade' },
  },
  appliesTo: ['TruncateStmt'],
  check(context) {
    const truncate = nodeAs(context.statement.ast, 'TruncateStmt');
    if (!truncate) return [];
    const tables = (truncate.relations ?? []).flatMap((item) => {
      const table = relationOf(nodeAs(item, 'RangeVar'));
      return table && isExistingTable(context, table.key) ? [table] : [];
    });
    if (tables.length === 0) return [];
    const cascade = truncate.behavior === 'DROP_CASCADE';
    const names = tables.map((table) => table.display).join(', ');
    return [
      {
        message: cascade
          ? `TRUNCATE ${names} CASCADE also empties every table that references ${names} through a foreign key.`
          : `TRUNCATE ${names} deletes every row under ACCESS EXCLUSIVE.`,
        table: tables[0]?.display,
        severity: cascade ? 'error' : undefined,
        fix: {
          summary: cascade ? 'List the tables to empty explicitly.' : 'Delete in batches if the table is in use.',
          steps: cascade
            ? [
                step(
                  'Name each table to empty; PostgreSQL then refuses if another table still references them.',
                  `${LOCK_TIMEOUT_SQL}\nTRUNCATE ${names};`,
                ),
              ]
            : tables.map((table) =>
                step(
                  `Delete the rows of ${table.display} in batches without blocking readers.`,
                  batchedDeleteSql(table.display, undefined),
                  {
                    outsideTransaction: true,
                    separateMigration: true,
                  },
                ),
              ),
        },
      },
    ];
  },
};
