import type { Rule } from '../types.js';
import { ident, nodeAs, step } from './ast.js';

export const renameSchema: Rule = {
  meta: {
    id: 'rename-schema',
    title: 'RENAME SCHEMA',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Every query, search_path and grant that names the old schema breaks the moment the rename commits.',
    safeAlternative:
      'Create the new schema, move objects or expose them through views, switch the code and search_path, then drop the old schema.',
    examples: { bad: 'ALTER SCHEMA billing RENAME TO invoicing;', good: 'CREATE SCHEMA invoicing;' },
    peers: { strong_migrations: 'rename_schema' },
  },
  appliesTo: ['RenameStmt'],
  check(context) {
    const rename = nodeAs(context.statement.ast, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_SCHEMA' || !rename.subname || !rename.newname) return [];
    return [
      {
        message: `Renaming schema ${rename.subname} to ${rename.newname} breaks every query and search_path that names ${rename.subname}.`,
        fix: {
          summary: 'Create the new schema, switch the code, then retire the old one.',
          steps: [
            step('Create the new schema next to the old one.', `CREATE SCHEMA ${ident(rename.newname)};`),
            step(
              'Point the application at both schemas while you move objects (ALTER TABLE … SET SCHEMA per table, each a brief lock).',
              `ALTER ROLE CURRENT_USER SET search_path = ${ident(rename.newname)}, ${ident(rename.subname)}, public;`,
            ),
            step('Once nothing uses the old schema, drop it.', `DROP SCHEMA ${ident(rename.subname)};`, {
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};
