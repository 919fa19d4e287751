import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, isExistingTable, LOCK_TIMEOUT_SQL, severityForSize, sizeNote, step } from './ast.js';

/** The ALTER TABLE forms that copy the whole table: what each does to `table`, and what it means besides. */
const STORAGE_CHANGES: Readonly<Record<string, (table: string, name: string) => string>> = {
  AT_SetLogged: (table) => `SET LOGGED writes all of ${table} to the WAL`,
  AT_SetUnLogged: (table) => `SET UNLOGGED rewrites ${table} (which is then emptied after a crash and not replicated)`,
  AT_SetTableSpace: (table, tablespace) => `SET TABLESPACE ${tablespace} copies ${table}`,
  AT_SetAccessMethod: (table, method) => `SET ACCESS METHOD ${method} rewrites ${table}`,
};

export const tableStorageRewrite: Rule = {
  meta: {
    id: 'table-storage-rewrite',
    title: 'SET LOGGED / UNLOGGED, SET TABLESPACE or SET ACCESS METHOD on an existing table',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'These forms of ALTER TABLE write a complete new copy of the table (and, for a tablespace, of its indexes too when they move) while holding ACCESS EXCLUSIVE: no reads or writes until it is done, and twice the disk space meanwhile.',
    safeAlternative:
      'Move a table to another tablespace online with pg_repack --tablespace; for the other settings, create a new table with the setting, copy the rows in batches while the application writes to both, then swap the names.',
    examples: {
      bad: 'ALTER TABLE events SET LOGGED;',
      good: 'CREATE UNLOGGED TABLE import_staging (id bigint, payload jsonb);',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    // A partitioned table has no storage: SET TABLESPACE / ACCESS METHOD there only set what new partitions get.
    if (context.catalog.isPartitioned(table.key)) return [];
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const describe = STORAGE_CHANGES[cmd.subtype ?? ''];
      if (!describe) continue;
      hits.push({
        message: `${describe(`${table.display}${sizeNote(context, table.key)}`, cmd.name ?? '')} under ACCESS EXCLUSIVE: no reads or writes until it is done.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary:
            cmd.subtype === 'AT_SetTableSpace'
              ? 'Move it online with pg_repack --tablespace, or run it when traffic is low.'
              : 'Build a new table with the setting and swap it in, or run it when traffic is low.',
          steps: [
            step(
              'Run it alone when traffic is low, failing fast instead of queueing if the lock is not free.',
              `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
              { separateMigration: true },
            ),
          ],
        },
      });
    }
    return hits;
  },
};
