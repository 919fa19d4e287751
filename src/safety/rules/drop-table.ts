import { objectKey } from '../names.js';
import type { Rule, RuleHit } from '../types.js';
import { fitName, ident, isExistingTable, LOCK_TIMEOUT_SQL, namesText, nodeAs, step, unqualified } from './ast.js';

export const dropTable: Rule = {
  meta: {
    id: 'drop-table',
    title: 'DROP TABLE',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'All rows are deleted irrecoverably (short of a backup restore), and code or foreign keys still pointing at the table fail.',
    safeAlternative:
      'Make sure nothing reads or references the table, rename it aside first so a mistake is one rename away from undone, then drop it in a later migration.',
    examples: {
      bad: 'DROP TABLE audit_log;',
      good: 'ALTER TABLE audit_log RENAME TO audit_log_deprecated;\n-- a release later, reviewed:\n-- dma-ignore drop-table renamed aside one release ago, nothing missed it\nDROP TABLE audit_log_deprecated;',
    },
    peers: { squawk: 'ban-drop-table', strong_migrations: 'create_table (force: true)', atlas: 'DS102' },
  },
  appliesTo: ['DropStmt'],
  check(context) {
    const drop = nodeAs(context.statement.ast, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_TABLE') return [];
    const hits: RuleHit[] = [];
    for (const object of drop.objects ?? []) {
      const items = nodeAs(object, 'List')?.items;
      const key = objectKey(items);
      const display = namesText(items);
      if (!key || !isExistingTable(context, key)) continue;
      // IF EXISTS of a table the known schema does not have: PostgreSQL skips it (Rails' create_table force: true).
      if (drop.missing_ok && context.catalog.schemaKnown && !context.catalog.tableExists(key)) continue;
      const bare = unqualified(key);
      const aside = fitName(`${bare}_deprecated`);
      const asideDisplay = display.includes('.') ? `${display.split('.')[0]}.${ident(aside)}` : ident(aside);
      hits.push({
        message: `Dropping ${display} deletes all its rows${drop.behavior === 'DROP_CASCADE' ? ' and, with CASCADE, the views and foreign keys that depend on it' : ''}.`,
        table: display,
        fix: {
          summary: 'Rename the table aside, drop it a release later.',
          steps: [
            step(
              'Rename it aside: code still using it fails loudly, and undoing is one rename.',
              `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${display} RENAME TO ${ident(aside)};`,
            ),
            step('When nothing missed it, drop it for good.', `${LOCK_TIMEOUT_SQL}\nDROP TABLE ${asideDisplay};`, {
              separateMigration: true,
            }),
          ],
        },
      });
    }
    return hits;
  },
};
