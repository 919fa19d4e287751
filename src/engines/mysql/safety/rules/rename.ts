import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { existingTable, fixStep, quoteName } from './shared.js';

export const mysqlRename: DdlRule = {
  meta: {
    id: 'mysql-rename',
    title: 'Rename of a column or table',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'The rename itself is instant, but every running instance of the application still uses the old name and fails from that moment until it is redeployed.',
    safeAlternative:
      'Expand and contract: add the new column (or a view / new table), write both, backfill, switch reads, then drop the old name in a later release.',
    examples: {
      bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      good: 'ALTER TABLE users ADD COLUMN full_name varchar(255);\n-- dual-write, backfill, switch reads; a later release drops name',
    },
    peers: { strong_migrations: 'rename_column' },
  },
  appliesTo: ['alter-table', 'rename-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const hits: RuleHit[] = [];
    for (const action of context.statement.actions) {
      if (action.type === 'rename-table') {
        hits.push({
          message: `Renaming table ${table} to ${action.newName} breaks running code that uses ${table}.`,
          table,
          fix: {
            summary: 'Keep the old name readable while code moves.',
            steps: [
              fixStep(
                'Rename, and give old code a view under the old name until it is redeployed.',
                `RENAME TABLE ${quoteName(table)} TO ${quoteName(action.newName)};\nCREATE VIEW ${quoteName(table)} AS SELECT * FROM ${quoteName(action.newName)};`,
              ),
            ],
          },
        });
      } else if (action.type === 'rename-column' || (action.type === 'modify-column' && action.newName)) {
        const newName = action.newName ?? '';
        hits.push({
          message: `Renaming ${table}.${action.column} to ${newName} breaks running code that uses ${action.column}.`,
          table,
          fix: {
            summary: 'Expand and contract instead of renaming.',
            steps: [
              fixStep(
                'Add the new column; dual-write and backfill from the old one.',
                `ALTER TABLE ${quoteName(table)} ADD COLUMN ${quoteName(newName)} <same type as ${action.column}>;\nUPDATE ${quoteName(table)} SET ${quoteName(newName)} = ${quoteName(action.column)} WHERE ${quoteName(newName)} IS NULL;`,
              ),
              fixStep(
                'When no code reads the old column, drop it.',
                `ALTER TABLE ${quoteName(table)} DROP COLUMN ${quoteName(action.column)};`,
                true,
              ),
            ],
          },
        });
      }
    }
    return hits;
  },
};
