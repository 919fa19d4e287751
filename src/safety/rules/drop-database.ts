import type { Rule } from '../types.js';
import { ident, nodeAs, step } from './ast.js';

export const dropDatabase: Rule = {
  meta: {
    id: 'drop-database',
    title: 'DROP DATABASE',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Deletes an entire database and all its data; it has no place in an application migration.',
    safeAlternative: 'Drop databases by hand, after a verified backup, outside the migration history.',
    examples: { bad: 'DROP DATABASE analytics;', good: 'ALTER DATABASE analytics RENAME TO analytics_deprecated;' },
    peers: { squawk: 'ban-drop-database' },
  },
  appliesTo: ['DropdbStmt'],
  check(context) {
    const drop = nodeAs(context.statement.ast, 'DropdbStmt');
    if (!drop?.dbname) return [];
    return [
      {
        message: `DROP DATABASE ${drop.dbname} deletes the whole database.`,
        fix: {
          summary: 'Remove it from the migration; rename the database aside by hand and drop it after a backup.',
          steps: [
            step(
              'Rename aside (run by hand, outside migrations, with no connections to it).',
              `ALTER DATABASE ${ident(drop.dbname)} RENAME TO ${ident(`${drop.dbname}_deprecated`)};`,
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
