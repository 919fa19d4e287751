import { namesOf } from '../names.js';
import type { Rule } from '../types.js';
import { ident, namesText, nodeAs, step } from './ast.js';

export const alterDomainAddConstraint: Rule = {
  meta: {
    id: 'alter-domain-add-constraint',
    title: 'ALTER DOMAIN … ADD CONSTRAINT without NOT VALID',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'SHARE', on: 'every table with a column of the domain', blocks: 'writes' }],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'Adding a constraint to a domain checks every column of that domain in every table, holding a SHARE lock (no writes) on each table for the scan.',
    safeAlternative:
      'Add it NOT VALID (checked for new values only), then ALTER DOMAIN … VALIDATE CONSTRAINT in a later migration.',
    examples: {
      bad: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);',
      good: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID;\n-- next migration\nALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check;',
    },
    peers: { squawk: 'ban-alter-domain-with-add-constraint' },
  },
  appliesTo: ['AlterDomainStmt'],
  check(context) {
    const alter = nodeAs(context.statement.ast, 'AlterDomainStmt');
    if (alter?.subtype !== 'C') return [];
    const constraint = nodeAs(alter.def, 'Constraint');
    if (!constraint || constraint.skip_validation) return [];
    const domain = namesText(alter.typeName);
    const bare = namesOf(alter.typeName).at(-1) ?? domain;
    const sql = context.statement.sql.trim();
    return [
      {
        message: `Adding a constraint to domain ${domain} scans every column of the domain, blocking writes to those tables.`,
        fix:
          constraint.contype === 'CONSTR_CHECK'
            ? {
                summary: 'NOT VALID now, VALIDATE in a later migration.',
                steps: [
                  step('Add the constraint for new values only.', `${sql} NOT VALID;`),
                  step(
                    'Validate existing values in a later migration.',
                    `ALTER DOMAIN ${domain} VALIDATE CONSTRAINT ${ident(constraint.conname ?? `${bare}_check`)};`,
                    {
                      separateMigration: true,
                    },
                  ),
                ],
              }
            : {
                summary: 'A domain NOT NULL has no NOT VALID form: bound the lock wait and run it when traffic is low.',
                steps: [
                  step('Run it alone, failing fast if a table is busy.', `SET lock_timeout = '5s';\n${sql};`, {
                    separateMigration: true,
                  }),
                ],
              },
      },
    ];
  },
};
