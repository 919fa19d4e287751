import type { DdlRuleContext } from '../../../safety/ddl-check.js';
import type { AlgorithmLockEntry } from '../../../safety/report.js';
import { costGroups, pinningClause, statementClauses, statementCost } from './algorithms.js';
import { targetOf } from './server-version.js';

/**
 * The lock summary of a MySQL/MariaDB statement on a table that existed: the ALGORITHM and LOCK it can run with
 * (as the clause that pins them), what that blocks, and whether the table is rebuilt. One entry for a known
 * server; without one, an entry per group of server lines that differ, each naming its lines.
 */
export function mysqlStatementLocks(context: DdlRuleContext): AlgorithmLockEntry[] {
  const { statement } = context;
  const table = statement.table;
  if (!table || context.createdHere(table)) return [];
  if (!['alter-table', 'create-index', 'drop-index', 'rename-table'].includes(statement.kind)) return [];
  const clauses = statementClauses(statement, context.session);
  if (clauses.length === 0) return [];
  const target = targetOf(context.engineVersion);
  const groups = costGroups(statementCost(clauses), target);
  const rows = context.rowCount(table);
  const buildsIndex =
    statement.kind === 'create-index' ||
    statement.actions.some((action) => action.type === 'add-index' || action.type === 'add-primary-key');
  return groups.map(({ cost, lines }) => ({
    table,
    mode: pinningClause(cost),
    on: 'table',
    blocks: cost.lock === 'SHARED' ? 'writes' : 'other DDL',
    rewrite: cost.rebuild,
    scan: cost.algorithm !== 'INSTANT' && (cost.rebuild || buildsIndex),
    source: 'rule' as const,
    ...(groups.length > 1 ? { servers: lines.join(', ') } : {}),
    ...(rows !== undefined ? { rows } : {}),
  }));
}
