import type { DdlRule } from '../../../../safety/ddl-check.js';
import { existingTable, fixStep, quoteName } from './shared.js';

export const mysqlDropTable: DdlRule = {
  meta: {
    id: 'mysql-drop-table',
    title: 'DROP TABLE',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'The table and its data are gone for good (DDL cannot be rolled back), and code that still uses it fails; dropping a large table can also stall the server while its file is removed.',
    safeAlternative: 'Rename it aside (or back it up) first, stop all use, and drop it in a later release.',
    examples: {
      bad: 'DROP TABLE sessions_old;',
      good: 'RENAME TABLE sessions_old TO _sessions_old_dropped_20240101;\n-- a later release, when nothing broke:\nDROP TABLE _sessions_old_dropped_20240101;',
    },
    peers: { atlas: 'DS102' },
  },
  appliesTo: ['drop-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const aside = quoteName(`_${table.split('.').pop()}_dropped`);
    return [
      {
        message: `Dropping ${table} deletes its data for good and breaks code that still uses it.`,
        table,
        fix: {
          summary: 'Move it aside first; drop it in a later release.',
          steps: [
            fixStep(
              'Reversible: the data stays until the later drop.',
              `RENAME TABLE ${quoteName(table)} TO ${aside};`,
            ),
            fixStep('When nothing broke.', `DROP TABLE ${aside};`, true),
          ],
        },
      },
    ];
  },
};
