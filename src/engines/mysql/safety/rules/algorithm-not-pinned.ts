import type { DdlRule } from '../../../../safety/ddl-check.js';
import { clauseCost, describeCosts, pinningClause, statementCost } from '../algorithms.js';
import { existingTable, fixStep } from './shared.js';

export const mysqlAlgorithmNotPinned: DdlRule = {
  meta: {
    id: 'mysql-algorithm-not-pinned',
    title: 'ALTER without ALGORITHM= and LOCK=',
    category: 'safe',
    defaultSeverity: 'info',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'Without ALGORITHM= the server silently picks the cheapest algorithm it can, and falls back to a blocking table copy when INSTANT or INPLACE is not possible (row format, an older server, a FULLTEXT index). Naming the algorithm makes it refuse instead.',
    safeAlternative:
      'Append the algorithm and lock you expect (`ALGORITHM=INSTANT`, or `ALGORITHM=INPLACE, LOCK=NONE`); if the server refuses, plan an online schema change.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN nickname varchar(50);',
      good: 'ALTER TABLE users ADD COLUMN nickname varchar(50), ALGORITHM=INSTANT;',
    },
  },
  appliesTo: ['alter-table', 'create-index'],
  check(context) {
    const { statement } = context;
    const table = existingTable(context);
    if (!table || statement.algorithm) return [];
    const clauses = statement.actions.flatMap((action) => {
      const cost = clauseCost(action, statement, context.session.settings);
      return cost ? [cost] : [];
    });
    if (statement.kind === 'create-index') {
      const pinned = `${statement.sql.replace(/\s*;?\s*$/, '')} ALGORITHM=INPLACE LOCK=NONE;`;
      return [
        {
          message: `CREATE INDEX on ${table} names no ALGORITHM: INPLACE, LOCK=NONE on every server line; pin it so a fallback to a copy is refused.`,
          table,
          fix: { summary: 'Pin the algorithm.', steps: [fixStep('Refuse anything but an online build.', pinned)] },
        },
      ];
    }
    if (clauses.length === 0) return [];
    const costs = statementCost(clauses);
    const modern = costs['MySQL 8.0/8.4/9'];
    if (modern.algorithm === 'COPY') return [];
    const pinned = `${statement.sql.replace(/\s*;?\s*$/, '')}, ${pinningClause(modern)};`;
    return [
      {
        message: `ALTER TABLE ${table} names no ALGORITHM: expected ${describeCosts(costs)}. Pin it so the server refuses a blocking fallback.`,
        table,
        fix: {
          summary: 'Pin the expected algorithm.',
          steps: [fixStep('The server refuses instead of copying.', pinned)],
        },
      },
    ];
  },
};
