import type { DdlRule } from '../../../../safety/ddl-check.js';
import {
  ALGORITHM_RANK,
  costGroups,
  describeCosts,
  pinningClause,
  statementClauses,
  statementCost,
} from '../algorithms.js';
import { targetOf } from '../server-version.js';
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
    why: 'Without ALGORITHM= the server silently picks the cheapest algorithm it can, and falls back to a blocking table copy when INSTANT or INPLACE is not possible (row format, an older server, a FULLTEXT index, the 64 row versions of MySQL 8.0.29+). Naming the algorithm makes it refuse instead. Facts: https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html and the MariaDB server itself.',
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
    const clauses = statementClauses(statement, context.session);
    if (clauses.length === 0) return [];
    const target = targetOf(context.engineVersion);
    const costs = statementCost(clauses);
    const groups = costGroups(costs, target);
    // A copy is mysql-copy-alter's finding.
    if (groups.some((group) => group.cost.algorithm === 'COPY')) return [];
    const cheapest = groups
      .map((group) => group.cost)
      .sort((a, b) => ALGORITHM_RANK[a.algorithm] - ALGORITHM_RANK[b.algorithm])[0];
    if (!cheapest) return [];
    const body = statement.sql.replace(/\s*;?\s*$/, '');
    const pin = pinningClause(cheapest);
    const pinned = statement.kind === 'create-index' ? `${body} ${pin.replace(', ', ' ')};` : `${body}, ${pin};`;
    const what = statement.kind === 'create-index' ? 'CREATE INDEX on' : 'ALTER TABLE';
    return [
      {
        message: `${what} ${table} names no ALGORITHM: expected ${describeCosts(costs, target)}. Pin it so the server refuses a blocking fallback.`,
        table,
        fix: {
          summary: 'Pin the expected algorithm.',
          steps: [fixStep('The server refuses instead of copying.', pinned)],
        },
      },
    ];
  },
};
