import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { existingTable, fixStep, quoteName } from './shared.js';

export const mysqlDropColumn: DdlRule = {
  meta: {
    id: 'mysql-drop-column',
    title: 'DROP COLUMN',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'The data in the column is gone for good, and running code that still selects or inserts it fails.',
    safeAlternative:
      'Stop reading and writing the column and deploy; keep a copy of the data; drop it in a later migration.',
    examples: {
      bad: 'ALTER TABLE users DROP COLUMN legacy_id;',
      good: '-- release N: code stops using legacy_id; release N+1:\nCREATE TABLE users_legacy_id_backup AS SELECT id, legacy_id FROM users;\nALTER TABLE users DROP COLUMN legacy_id;',
    },
    peers: { atlas: 'DS103' },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type !== 'drop-column') continue;
      const bare = table.split('.').pop() ?? table;
      hits.push({
        message: `Dropping ${table}.${action.column} deletes its data and breaks code that still uses it.`,
        table,
        fix: {
          summary: 'Stop using the column, keep a copy, drop it in a later release.',
          steps: [
            fixStep(
              'Keep a copy of the values with the primary key.',
              `CREATE TABLE ${quoteName(`${bare}_${action.column}_backup`)} AS SELECT <primary key>, ${quoteName(action.column)} FROM ${quoteName(table)};`,
            ),
            fixStep(
              'Once no deployed code uses it, drop it.',
              `ALTER TABLE ${quoteName(table)} DROP COLUMN ${quoteName(action.column)};`,
              true,
            ),
          ],
        },
      });
    }
    return hits;
  },
};
