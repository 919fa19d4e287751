import type { Rule, RuleHit } from '../types.js';
import { alterTableOf, fitName, ident, isExistingTable, LOCK_TIMEOUT_SQL, step, unqualified } from './ast.js';

export const dropColumn: Rule = {
  meta: {
    id: 'drop-column',
    title: 'DROP COLUMN',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'The data in the column is gone for good, and running code that still selects or inserts it fails (ORMs that cache the column list fail even on SELECT *).',
    safeAlternative:
      'Stop reading and writing the column (ORM ignore list) and deploy; keep a copy of the data if it may be needed; then drop it in a later migration with a short lock_timeout.',
    examples: {
      bad: 'ALTER TABLE users DROP COLUMN legacy_id;',
      good: "-- release N: the code stops reading and writing legacy_id\n-- release N+1, reviewed:\nSET lock_timeout = '5s';\n-- dma-ignore drop-column unused since release N, data exported\nALTER TABLE users DROP COLUMN legacy_id;",
    },
    peers: { squawk: 'ban-drop-column', strong_migrations: 'remove_column', atlas: 'DS103' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    // A column this migration added holds no data and no deployed code uses it; DROP COLUMN IF EXISTS of a column
    // the known schema does not have drops nothing (PostgreSQL only notes that it skips it).
    const dropped = altered.cmds.filter(
      (cmd) =>
        cmd.subtype === 'AT_DropColumn' &&
        cmd.name &&
        !context.catalog.columnAddedInThisMigration(table.key, cmd.name) &&
        !(cmd.missing_ok && context.catalog.columnExists(table.key, cmd.name) === false),
    );
    if (dropped.length === 0) return [];
    // One statement, one finding: the columns it drops go together, and so do their backup and their drop.
    const names = dropped.map((cmd) => cmd.name as string);
    const columns = names.map(ident);
    const backup = ident(fitName(`${bare}_${names.length === 1 ? names[0] : 'dropped_columns'}_backup`));
    const one = names.length === 1;
    const hits: RuleHit[] = [
      {
        message: one
          ? `Dropping ${table.display}.${names[0]} deletes its data and breaks code that still uses it.`
          : `Dropping ${names.map((name) => `${table.display}.${name}`).join(', ')} deletes their data and breaks code that still uses them.`,
        table: table.display,
        fix: {
          summary: `Stop using the column${one ? '' : 's'}, keep a copy, drop ${one ? 'it' : 'them'} in a later release.`,
          steps: [
            step(
              'Keep a copy of the values (with the row identity) in case they are needed.',
              `CREATE TABLE ${backup} AS SELECT ctid::text AS source_ctid, ${columns.join(', ')} FROM ${table.display} WHERE ${columns.map((column) => `${column} IS NOT NULL`).join(' OR ')};`,
            ),
            step(
              `Once no deployed code reads or writes ${one ? 'the column' : 'the columns'}, drop ${one ? 'it' : 'them'} with a bounded lock wait.`,
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ${dropped.map((cmd) => `DROP COLUMN ${cmd.missing_ok ? 'IF EXISTS ' : ''}${ident(cmd.name as string)}${cmd.behavior === 'DROP_CASCADE' ? ' CASCADE' : ''}`).join(', ')};`,
              { separateMigration: true },
            ),
          ],
        },
      },
    ];
    return hits;
  },
};
