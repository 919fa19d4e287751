import { displayTable } from '../names.js';
import type { CatalogView, Rule } from '../types.js';
import { ident, nodeAs, step } from './ast.js';

export const dropSchema: Rule = {
  meta: {
    id: 'drop-schema',
    title: 'DROP SCHEMA',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'every table in the schema', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'With CASCADE every table, view and function in the schema is deleted with its data; without it the statement fails if the schema is not empty.',
    safeAlternative: 'Drop the objects one by one after checking each is unused, or rename the schema aside first.',
    examples: { bad: 'DROP SCHEMA reporting CASCADE;', good: 'ALTER SCHEMA reporting RENAME TO reporting_deprecated;' },
    peers: { atlas: 'DS101' },
  },
  appliesTo: ['DropStmt'],
  check(context) {
    const drop = nodeAs(context.statement.ast, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_SCHEMA') return [];
    return (drop.objects ?? []).flatMap((object) => {
      const name = nodeAs(object, 'String')?.sval;
      if (!name) return [];
      const { message, severity } =
        drop.behavior === 'DROP_CASCADE'
          ? cascadeLoss(context.catalog, name)
          : {
              message: `Dropping schema ${name} deletes it (and fails if it still holds objects).`,
              severity: 'warning' as const,
            };
      return [
        {
          message,
          severity,
          fix: {
            summary: 'Rename the schema aside, drop it a release later.',
            steps: [
              step(
                'Rename it aside so a mistake is reversible.',
                `ALTER SCHEMA ${ident(name)} RENAME TO ${ident(`${name}_deprecated`)};`,
              ),
              step('When nothing missed it, drop it.', `DROP SCHEMA ${ident(`${name}_deprecated`)} CASCADE;`, {
                separateMigration: true,
              }),
            ],
          },
        },
      ];
    });
  },
};

/** What DROP SCHEMA … CASCADE deletes, as far as the schema read so far tells. */
function cascadeLoss(catalog: CatalogView, schema: string): { message: string; severity: 'error' | 'warning' } {
  const tables = catalog.tablesInSchema(schema).map(displayTable);
  if (tables.length > 0) {
    const named =
      tables.length > 5 ? `${tables.slice(0, 5).join(', ')} and ${tables.length - 5} more` : tables.join(', ');
    return {
      message: `Dropping schema ${schema} with CASCADE deletes every object in it, with the data of its tables ${named}.`,
      severity: 'error',
    };
  }
  if (catalog.schemaKnown) {
    // The migrations read from the start create no table there: what goes is made elsewhere (a runner's views).
    return {
      message: `Dropping schema ${schema} with CASCADE deletes every object in it; no migration creates a table in it, so only objects made outside the migrations go (views, functions, types, and any table created by hand, with its data).`,
      severity: 'warning',
    };
  }
  return {
    message: `Dropping schema ${schema} with CASCADE deletes every object in it and all their data.`,
    severity: 'error',
  };
}
