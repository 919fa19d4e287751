import type { Rule, RuleContext } from '../types.js';
import { ident, isExistingTable, LOCK_TIMEOUT_SQL, nodeAs, relationOf, step } from './ast.js';

export const setSchema: Rule = {
  meta: {
    id: 'set-schema',
    title: 'ALTER TABLE … SET SCHEMA',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Moving a table to another schema renames it for every query: running code that names the old schema, or finds the table through a search_path without the new one, fails as soon as the move commits.',
    safeAlternative:
      'Move it and, in the same transaction, create a view under the old name (a simple view stays insertable and updatable); drop the view once no code uses the old name.',
    examples: {
      bad: 'ALTER TABLE public.invoices SET SCHEMA billing;',
      good: 'BEGIN;\nALTER TABLE public.invoices SET SCHEMA billing;\nCREATE VIEW public.invoices AS SELECT * FROM billing.invoices;\nCOMMIT;',
    },
  },
  appliesTo: ['AlterObjectSchemaStmt'],
  check(context) {
    const move = nodeAs(context.statement.ast, 'AlterObjectSchemaStmt');
    const table = relationOf(move?.relation);
    if (move?.objectType !== 'OBJECT_TABLE' || !table || !move.newschema || !isExistingTable(context, table.key))
      return [];
    if (viewKeepsOldName(context, table.key)) return [];
    const oldName = table.key.split('.').map(ident).join('.');
    const newName = `${ident(move.newschema)}.${ident(table.key.slice(table.key.indexOf('.') + 1))}`;
    return [
      {
        message: `Moving ${table.display} to schema ${move.newschema} breaks every running instance that still uses it as ${oldName}.`,
        table: table.display,
        fix: {
          summary: 'Move it behind a compatibility view, drop the view after the code moved.',
          steps: [
            step(
              'Move it and leave a view under the old name in one transaction, so old code keeps working.',
              `BEGIN;\n${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};\nCREATE VIEW ${oldName} AS SELECT * FROM ${newName};\nCOMMIT;`,
            ),
            step('After every instance uses the new schema, drop the view.', `DROP VIEW ${oldName};`, {
              separateMigration: true,
            }),
          ],
        },
      },
    ];
  },
};

/** A later statement of the file creates a view under the moved table's old name (a public table's, unqualified too). */
function viewKeepsOldName(context: RuleContext, key: string): boolean {
  const [schema = '', name = ''] = key.split('.');
  const quoted = (part: string) => `"?${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`;
  const qualified = `${quoted(schema)}\\s*\\.\\s*${quoted(name)}`;
  const target = schema === 'public' ? `(?:${qualified}|${quoted(name)})` : qualified;
  const later = context.source.slice(context.statement.offset.end);
  return new RegExp(`\\bcreate\\s+(?:or\\s+replace\\s+)?view\\s+${target}(?![\\w$."])`, 'i').test(later);
}
