import type { AlterAction, DdlStatement } from '../../../safety/ddl-model.js';

/**
 * Which ALGORITHM and LOCK each ALTER TABLE clause can use, per server line. MariaDB facts are the answers of a
 * MariaDB 10.11 server to `ALTER … ALGORITHM=INSTANT / NOCOPY / INPLACE, LOCK=NONE / COPY` (test/safety/
 * mysql-algorithms.test.ts asks it again); MySQL facts are from the MySQL 5.7, 8.0 and 8.4 "Online DDL
 * Operations" tables (8.0 means 8.0.29 and later, when INSTANT ADD/DROP COLUMN at any position arrived; 9.x
 * behaves as 8.4).
 */

export type Algorithm = 'INSTANT' | 'INPLACE' | 'COPY';
export type DdlLock = 'NONE' | 'SHARED';

export interface Cost {
  algorithm: Algorithm;
  /** The weakest LOCK= the server accepts: NONE lets reads and writes go on, SHARED blocks writes. */
  lock: DdlLock;
  /** The table is rebuilt (every row rewritten) even in place. */
  rebuild: boolean;
}

export const SERVER_LINES = ['MySQL 5.7', 'MySQL 8.0/8.4/9', 'MariaDB 10.6/10.11/11'] as const;
export type ServerLine = (typeof SERVER_LINES)[number];

export interface ClauseCost {
  clause: string;
  byServer: Record<ServerLine, Cost>;
  /** When the server may refuse the cheaper algorithm or the claim depends on the data. */
  caveat?: string;
}

const instant: Cost = { algorithm: 'INSTANT', lock: 'NONE', rebuild: false };
const inplace: Cost = { algorithm: 'INPLACE', lock: 'NONE', rebuild: false };
const rebuild: Cost = { algorithm: 'INPLACE', lock: 'NONE', rebuild: true };
const rebuildShared: Cost = { algorithm: 'INPLACE', lock: 'SHARED', rebuild: true };
const copy: Cost = { algorithm: 'COPY', lock: 'SHARED', rebuild: true };

const same = (cost: Cost): Record<ServerLine, Cost> => ({
  'MySQL 5.7': cost,
  'MySQL 8.0/8.4/9': cost,
  'MariaDB 10.6/10.11/11': cost,
});
const lines = (mysql57: Cost, mysql8: Cost, mariadb: Cost): Record<ServerLine, Cost> => ({
  'MySQL 5.7': mysql57,
  'MySQL 8.0/8.4/9': mysql8,
  'MariaDB 10.6/10.11/11': mariadb,
});

const INSTANT_LIMITS =
  'INSTANT is refused for ROW_FORMAT=COMPRESSED tables and, on MySQL, tables with a FULLTEXT index or after 64 instant column changes (then the server rebuilds)';

/** The cost of one clause, with what the session set before (foreign_key_checks). */
export function clauseCost(
  action: AlterAction,
  statement: DdlStatement,
  settings: ReadonlyMap<string, string>,
): ClauseCost | undefined {
  const clause = action.text;
  switch (action.type) {
    case 'add-column':
      if (action.definition.generated && /\bSTORED\b/i.test(action.text))
        return { clause, byServer: same(copy), caveat: 'a STORED generated column computes every row' };
      if (action.definition.autoIncrement) return { clause, byServer: same(rebuildShared) };
      return { clause, byServer: lines(rebuild, instant, instant), caveat: INSTANT_LIMITS };
    case 'drop-column':
      return { clause, byServer: lines(rebuild, instant, instant), caveat: INSTANT_LIMITS };
    case 'rename-column':
      return { clause, byServer: lines(inplace, instant, instant) };
    case 'column-default':
      return { clause, byServer: lines(inplace, instant, instant) };
    case 'rename-table':
      return { clause, byServer: same(instant) };
    case 'modify-column':
      return {
        clause,
        byServer: same(copy),
        caveat:
          'only widening a VARCHAR (within 255 bytes on MySQL), appending ENUM/SET values or dropping NOT NULL avoid the copy; dropping NULL for NOT NULL is an INPLACE rebuild',
      };
    case 'add-index':
      return action.fulltext ? { clause, byServer: same(rebuildShared) } : { clause, byServer: same(inplace) };
    case 'drop-index':
    case 'drop-constraint':
      return { clause, byServer: same(inplace) };
    case 'add-primary-key':
      return { clause, byServer: same(rebuild) };
    case 'drop-primary-key':
      return statement.actions.some((other) => other.type === 'add-primary-key')
        ? { clause, byServer: same(rebuild) }
        : { clause, byServer: same(copy) };
    case 'add-foreign-key':
      return settings.get('foreign_key_checks') === '0' || /^off$/i.test(settings.get('foreign_key_checks') ?? '')
        ? { clause, byServer: same(inplace) }
        : { clause, byServer: same(copy), caveat: 'INPLACE only with SET foreign_key_checks = 0' };
    case 'convert-charset':
      return { clause, byServer: same(copy), caveat: 'when the character set of existing text columns changes' };
    default:
      return undefined;
  }
}

const ALGORITHM_RANK: Record<Algorithm, number> = { INSTANT: 0, INPLACE: 1, COPY: 2 };

/** The statement's cost on each server line: the most expensive of its clauses. */
export function statementCost(clauses: ClauseCost[]): Record<ServerLine, Cost> {
  const worst = {} as Record<ServerLine, Cost>;
  for (const server of SERVER_LINES) {
    let cost: Cost = instant;
    for (const clause of clauses) {
      const candidate = clause.byServer[server];
      const heavier =
        ALGORITHM_RANK[candidate.algorithm] > ALGORITHM_RANK[cost.algorithm] ||
        (candidate.algorithm === cost.algorithm && candidate.lock === 'SHARED');
      cost = { ...(heavier ? candidate : cost), rebuild: candidate.rebuild || cost.rebuild };
    }
    worst[server] = cost;
  }
  return worst;
}

/** "MySQL 5.7: INPLACE, LOCK=NONE (rebuild); MySQL 8.0/8.4/9: INSTANT; …" */
export function describeCosts(costs: Record<ServerLine, Cost>): string {
  return SERVER_LINES.map((server) => `${server}: ${describeCost(costs[server])}`).join('; ');
}

export function describeCost(cost: Cost): string {
  if (cost.algorithm === 'INSTANT') return 'INSTANT';
  return `${cost.algorithm}, LOCK=${cost.lock}${cost.rebuild ? ' (rebuilds the table)' : ''}`;
}

/** The ALGORITHM/LOCK clause to pin the cheapest claim, so the server refuses instead of falling back to a copy. */
export function pinningClause(cost: Cost): string {
  return cost.algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : `ALGORITHM=${cost.algorithm}, LOCK=${cost.lock}`;
}
