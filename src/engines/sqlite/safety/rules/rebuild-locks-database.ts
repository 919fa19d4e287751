import type { DdlRule } from '../../../../safety/ddl-check.js';

export const sqliteRebuildLocksDatabase: DdlRule = {
  meta: {
    id: 'sqlite-rebuild-locks-database',
    title: 'Copying a table holds the database-wide write lock',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'SQLite has one write lock for the whole database: while INSERT … SELECT copies a table (the copy step of a rebuild), every other writer — on any table — waits or fails with SQLITE_BUSY once its busy_timeout runs out.',
    safeAlternative:
      'Run the rebuild of a large table when the application is stopped or quiet, or copy in batches of rows in separate transactions before the swap.',
    examples: {
      bad: 'INSERT INTO events_new SELECT * FROM events; -- 5 million rows',
      good: '-- maintenance window, application stopped:\nINSERT INTO events_new SELECT * FROM events;',
    },
  },
  appliesTo: ['insert'],
  check(context) {
    const source = context.statement.selectsFrom;
    if (!source || context.createdHere(source)) return [];
    const rows = context.rowCount(source);
    const size = rows === undefined ? '' : ` (about ${rows.toLocaleString('en-US')} rows)`;
    return [
      {
        message: `Copying ${source}${size} into ${context.statement.table} holds SQLite's database-wide write lock until the copy commits: every writer waits or gets SQLITE_BUSY.`,
        table: source,
        ...(rows !== undefined && rows >= context.largeTableRows ? { severity: 'error' as const } : {}),
      },
    ];
  },
};
