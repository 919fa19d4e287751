import type { DdlRule } from '../../../../safety/ddl-check.js';
import {
  ALGORITHM_RANK,
  type Cost,
  describeCost,
  pinningClause,
  statementClauses,
  statementCost,
} from '../algorithms.js';
import type { ServerLine } from '../server-version.js';
import { targetOf } from '../server-version.js';
import { existingTable, fixStep } from './shared.js';

/** Whether a server whose cheapest way is `cost` refuses the ALGORITHM= / LOCK= the statement pins. */
function refuses(cost: Cost, algorithm: string | undefined, lock: string | undefined): boolean {
  const pinned = algorithm === 'NOCOPY' ? 'INPLACE' : algorithm;
  if (pinned === 'INSTANT' || pinned === 'INPLACE') {
    if (ALGORITHM_RANK[cost.algorithm] > ALGORITHM_RANK[pinned]) return true;
    if (algorithm === 'NOCOPY' && cost.rebuild) return true;
  }
  return lock === 'NONE' && (cost.lock === 'SHARED' || cost.algorithm === 'COPY');
}

export const mysqlAlgorithmRefused: DdlRule = {
  meta: {
    id: 'mysql-algorithm-refused',
    title: 'ALGORITHM= or LOCK= the server refuses for this change',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'A pinned ALGORITHM=INSTANT / INPLACE or LOCK=NONE that the server cannot honour for this change fails the statement ("ALGORITHM=INSTANT is not supported for this operation"): the migration stops there, with the statements before it already applied. Which changes are INSTANT depends on the server version (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html).',
    safeAlternative:
      'Pin what the target server can do (see the lock summary), or run the change with an online schema change tool when only a copy is possible.',
    examples: {
      bad: 'ALTER TABLE users MODIFY id bigint, ALGORITHM=INSTANT;',
      good: 'ALTER TABLE users ADD COLUMN nickname varchar(50), ALGORITHM=INSTANT;',
    },
  },
  appliesTo: ['alter-table', 'create-index'],
  check(context) {
    const { statement } = context;
    const table = existingTable(context);
    if (!table || (!statement.algorithm && !statement.lock)) return [];
    const clauses = statementClauses(statement, context.session);
    if (clauses.length === 0) return [];
    const target = targetOf(context.engineVersion);
    const costs = statementCost(clauses);
    const refusing: ServerLine[] = target.lines.filter((line) =>
      refuses(costs[line], statement.algorithm, statement.lock),
    );
    // Without a known server only a pin every possible server refuses is a finding; the note says the rest once.
    if (refusing.length === 0 || refusing.length < target.lines.length) return [];
    const pinned = [
      statement.algorithm && `ALGORITHM=${statement.algorithm}`,
      statement.lock && `LOCK=${statement.lock}`,
    ]
      .filter(Boolean)
      .join(', ');
    const cheapest = describeCost(costs[refusing[0] as ServerLine]);
    const where = target.lines.length === 1 ? target.label : `every server line (${refusing.join(', ')})`;
    return [
      {
        message: `${pinned} is refused on ${where}: the cheapest way there is ${cheapest}; the statement fails and the migration stops there.`,
        table,
        fix: {
          summary: 'Pin what the server can do, or run the change online.',
          steps: [
            fixStep(
              'What the server can do (a blocking copy when it says COPY: see mysql-copy-alter).',
              `${statement.sql.replace(/,?\s*(?:ALGORITHM|LOCK)\s*=?\s*\w+/gi, '').replace(/\s*;?\s*$/, '')}${statement.kind === 'create-index' ? ` ${pinningClause(costs[refusing[0] as ServerLine]).replace(',', '')}` : `, ${pinningClause(costs[refusing[0] as ServerLine])}`};`,
            ),
          ],
        },
      },
    ];
  },
};
