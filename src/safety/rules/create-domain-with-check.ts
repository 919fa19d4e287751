import type { Rule } from '../types.js';
import { columnConstraints, namesText, nodeAs, step } from './ast.js';

export const createDomainWithCheck: Rule = {
  meta: {
    id: 'create-domain-with-check',
    title: 'Domain with a CHECK constraint',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: "A domain's CHECK applies to every column of the domain in every table, so changing the rule later re-checks all of them at once, each table locked against writes during its scan.",
    safeAlternative:
      'Put CHECK constraints on the columns themselves, where they can be changed one table at a time with NOT VALID + VALIDATE.',
    examples: {
      bad: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');",
      good: 'CREATE DOMAIN email AS text;',
    },
    peers: { squawk: 'ban-create-domain-with-constraint' },
  },
  appliesTo: ['CreateDomainStmt'],
  check(context) {
    const create = nodeAs(context.statement.ast, 'CreateDomainStmt');
    if (!create) return [];
    const checks = columnConstraints({ constraints: create.constraints ?? [] }).filter(
      (constraint) => constraint.contype === 'CONSTR_CHECK',
    );
    if (checks.length === 0) return [];
    const name = namesText(create.domainname);
    const plain = context.statement.sql.trim().replace(/\s+(CONSTRAINT\s+\S+\s+)?CHECK\s*\([\s\S]*$/i, '');
    return [
      {
        message: `Domain ${name} carries a CHECK: changing it later re-validates every column of the domain in every table at once.`,
        fix: {
          summary: 'A plain domain; put the CHECK on each column.',
          steps: [
            step('Create the domain without the CHECK (add CHECK … NOT VALID on the columns instead).', `${plain};`),
          ],
        },
      },
    ];
  },
};
