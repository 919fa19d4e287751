import type { Rule } from '../types.js';
import { ident, isExistingTable, LOCK_TIMEOUT_SQL, nodeAs, relationOf, step } from './ast.js';

export const renameTable: Rule = {
  meta: {
    id: 'rename-table',
    title: 'RENAME TABLE',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Every running instance of the previous release still queries the old table name and fails as soon as the rename commits.',
    safeAlternative:
      'Rename and, in the same transaction, create a view with the old name (a simple view stays insertable and updatable); drop the view once no code uses the old name.',
    examples: {
      bad: 'ALTER TABLE customers RENAME TO clients;',
      good: 'BEGIN;\n-- dma-ignore rename-table a view keeps the old name working\nALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;\nCOMMIT;',
    },
    peers: { squawk: 'renaming-table', strong_migrations: 'rename_table', atlas: 'BC101' },
  },
  appliesTo: ['RenameStmt'],
  check(context) {
    const rename = nodeAs(context.statement.ast, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_TABLE' || !rename.newname) return [];
    const table = relationOf(rename.relation);
    if (!table || !isExistingTable(context, table.key)) return [];
    const schema = table.display.includes('.') ? `${table.display.split('.')[0]}.` : '';
    const renamed = `${schema}${ident(rename.newname)}`;
    return [
      {
        message: `Renaming ${table.display} to ${rename.newname} breaks every running instance that still uses the old name.`,
        table: table.display,
        fix: {
          summary: 'Rename behind a compatibility view, drop the view after the code moved.',
          steps: [
            step(
              'Rename and leave a view under the old name in one transaction, so old code keeps working.',
              `BEGIN;\n${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} RENAME TO ${ident(rename.newname)};\nCREATE VIEW ${table.display} AS SELECT * FROM ${renamed};\nCOMMIT;`,
            ),
            step('After every instance uses the new name, drop the view.', `DROP VIEW ${table.display};`, {
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};
