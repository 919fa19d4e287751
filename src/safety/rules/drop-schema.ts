import type { Rule } from '../types.js';
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
      return [
        {
          message: `Dropping schema ${name}${drop.behavior === 'DROP_CASCADE' ? ' with CASCADE deletes every object in it and all their data' : ' deletes it (and fails if it still holds objects)'}.`,
          severity: drop.behavior === 'DROP_CASCADE' ? ('error' as const) : ('warning' as const),
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
