import type { MigrationEndHit, Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  fitName,
  ident,
  isExistingTable,
  keySql,
  LOCK_TIMEOUT_SQL,
  type Relation,
  step,
  unqualified,
} from './ast.js';

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
    // A column this migration added holds no data and no deployed code uses it; DROP COLUMN IF EXISTS of a column
    // the known schema does not have drops nothing (PostgreSQL only notes that it skips it). One whose values the
    // migration copied into a column it added is decided at its end (finish): renamed back, nothing is lost.
    const dropped = altered.cmds.filter(
      (cmd) =>
        cmd.subtype === 'AT_DropColumn' &&
        cmd.name &&
        !context.catalog.columnAddedInThisMigration(table.key, cmd.name) &&
        !(cmd.missing_ok && context.catalog.columnExists(table.key, cmd.name) === false) &&
        !context.catalog.columnCopied(table.key, cmd.name),
    );
    if (dropped.length === 0) return [];
    return [
      dropColumnsHit(
        table,
        dropped.map((cmd) => ({
          name: cmd.name as string,
          ifExists: cmd.missing_ok === true,
          cascade: cmd.behavior === 'DROP_CASCADE',
        })),
      ),
    ];
  },
  /**
   * A dropped column whose values the migration copied into a column it added: when that column takes the dropped
   * one's name by the end (a type change by copy: ADD tmp, UPDATE SET tmp = old::new, DROP old, RENAME tmp TO
   * old), nothing is lost and the name stays; otherwise old code breaks, the values live on in the copy.
   */
  finish(context) {
    const hits: MigrationEndHit[] = [];
    for (const { table, column, at } of context.copiedColumnsDropped) {
      const restored =
        context.catalog.columnAddedInThisMigration(table, column) &&
        context.catalog.copiedFrom(table, column)?.has(column) === true;
      if (restored) continue;
      const relation: Relation = { key: table, display: keySql(table) };
      const hit = dropColumnsHit(relation, [{ name: column }]);
      hits.push({
        ...hit,
        at,
        message: `Dropping ${relation.display}.${column} breaks code that still uses it (its values were copied into a column this migration added).`,
      });
    }
    return hits;
  },
};

/** One finding for the columns one statement drops: their backup and their later drop go together. */
function dropColumnsHit(
  table: Relation,
  dropped: Array<{ name: string; ifExists?: boolean; cascade?: boolean }>,
): RuleHit {
  const bare = unqualified(table.key);
  const names = dropped.map((column) => column.name);
  const columns = names.map(ident);
  const backup = ident(fitName(`${bare}_${names.length === 1 ? names[0] : 'dropped_columns'}_backup`));
  const one = names.length === 1;
  return {
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
          `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ${dropped.map((column) => `DROP COLUMN ${column.ifExists ? 'IF EXISTS ' : ''}${ident(column.name)}${column.cascade ? ' CASCADE' : ''}`).join(', ')};`,
          { separateMigration: true },
        ),
      ],
    },
  };
}
