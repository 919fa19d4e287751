import { displayTable } from '../names.js';
import type { CatalogView, Rule, Severity } from '../types.js';
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
    const reached = cascade
      ? cascadeReach(
          context.catalog,
          tables.map((table) => table.key),
        )
      : undefined;
    return [
      {
        message: reached ? reached.message(names) : `TRUNCATE ${names} deletes every row under ACCESS EXCLUSIVE.`,
        table: tables[0]?.display,
        severity: reached?.severity,
        fix: {
          summary: cascade ? 'List the tables to empty explicitly.' : 'Delete in batches if the table is in use.',
          steps: cascade
            ? [
                step(
                  'Name each table to empty; PostgreSQL then refuses if another table still references them.',
                  `${LOCK_TIMEOUT_SQL}\nTRUNCATE ${[names, ...(reached?.tables ?? [])].join(', ')};`,
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

/**
 * What TRUNCATE … CASCADE also empties, as far as the migrations read so far tell: the tables whose foreign keys
 * reach the truncated ones, through other such tables. With none known, it is an error only where the schema
 * is not known from the first migration (a table made outside the migrations may reference them).
 */
function cascadeReach(
  catalog: CatalogView,
  keys: string[],
): { tables: string[]; severity: Severity; message: (names: string) => string } {
  const reached = new Set(keys);
  const pending = [...keys];
  const tables: string[] = [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const other of catalog.referencingTables(next)) {
      if (reached.has(other)) continue;
      reached.add(other);
      pending.push(other);
      tables.push(displayTable(other));
    }
  }
  if (tables.length > 0) {
    const named =
      tables.length > 5 ? `${tables.slice(0, 5).join(', ')} and ${tables.length - 5} more` : tables.join(', ');
    return {
      tables,
      severity: 'error',
      message: (names) => `TRUNCATE ${names} CASCADE also empties ${named}, whose foreign keys reach ${names}.`,
    };
  }
  if (catalog.schemaKnown) {
    return {
      tables,
      severity: 'warning',
      message: (names) =>
        `TRUNCATE ${names} CASCADE deletes every row of ${names}; no migration creates a foreign key to them, so CASCADE also empties only tables made outside the migrations that reference them.`,
    };
  }
  return {
    tables,
    severity: 'error',
    message: (names) =>
      `TRUNCATE ${names} CASCADE also empties every table that references ${names} through a foreign key.`,
  };
}
