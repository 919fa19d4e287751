import type { DdlSession } from '../../../safety/ddl-check.js';
import type { AlterAction, ColumnDefinition, DdlStatement } from '../../../safety/ddl-model.js';
import { type MysqlTarget, SERVER_LINES, type ServerLine } from './server-version.js';

/**
 * Which ALGORITHM and LOCK each ALTER TABLE clause can use, per server line. MariaDB facts are the answers of a
 * MariaDB 10.11 server to `ALTER … ALGORITHM=INSTANT / NOCOPY / INPLACE, LOCK=NONE / COPY` (test/safety/
 * mysql-algorithms.test.ts asks it again); MySQL facts are from the "Online DDL Operations" tables of the MySQL
 * 5.7, 8.0 and 8.4 manuals (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html):
 * INSTANT arrived in 8.0.12 for ADD COLUMN as the last column, 8.0.29 added any position and DROP COLUMN, and
 * 8.4 and 9.x behave as 8.0.29.
 */

export type Algorithm = 'INSTANT' | 'INPLACE' | 'COPY';
export type DdlLock = 'NONE' | 'SHARED';
/** What the lock summary names for a MySQL statement: the clause that pins it. */
export type MysqlAlterLock = 'ALGORITHM=INSTANT' | `ALGORITHM=${'INPLACE' | 'COPY'}, LOCK=${DdlLock}`;

export interface Cost {
  algorithm: Algorithm;
  /** The weakest LOCK= the server accepts: NONE lets reads and writes go on, SHARED blocks writes. */
  lock: DdlLock;
  /** The table is rebuilt (every row rewritten) even in place. */
  rebuild: boolean;
}

export interface ClauseCost {
  clause: string;
  byServer: Record<ServerLine, Cost>;
  /** When the server may refuse the cheaper algorithm or the claim depends on the data. */
  caveat?: string;
  /** What the change can do to existing values (a removed ENUM member, a narrower type). */
  dataRisk?: string;
  /** An ENUM/SET redefinition whose current members are unknown: INSTANT or COPY (mysql-enum-set-change says). */
  membersUnknown?: boolean;
}

const instant: Cost = { algorithm: 'INSTANT', lock: 'NONE', rebuild: false };
const inplace: Cost = { algorithm: 'INPLACE', lock: 'NONE', rebuild: false };
const rebuild: Cost = { algorithm: 'INPLACE', lock: 'NONE', rebuild: true };
const rebuildShared: Cost = { algorithm: 'INPLACE', lock: 'SHARED', rebuild: true };
const copy: Cost = { algorithm: 'COPY', lock: 'SHARED', rebuild: true };

const same = (cost: Cost) => lines(cost, cost, cost, cost);
/** Costs on MySQL 5.7, 8.0.12–8.0.28, 8.0.29+/8.4/9 and MariaDB 10.6+. */
function lines(mysql57: Cost, mysql80: Cost, mysql8: Cost, mariadb: Cost): Record<ServerLine, Cost> {
  return {
    'MySQL 5.7': mysql57,
    'MySQL 8.0.12–8.0.28': mysql80,
    'MySQL 8.0.29+/8.4/9': mysql8,
    'MariaDB 10.6/10.11/11': mariadb,
  };
}

const INSTANT_LIMITS =
  'INSTANT is refused for ROW_FORMAT=COMPRESSED tables and, on MySQL, tables with a FULLTEXT index or after 64 row versions (instant ADD/DROP COLUMNs since the last rebuild; then the ALTER rebuilds)';
const MODIFY_UNKNOWN =
  'the column’s current definition is not in the migrations checked: widening a VARCHAR (within the same 255-byte length prefix on MySQL), appending ENUM/SET members or a metadata-only change avoid the copy; a type or character set change, narrowing or a sign change copy';
const ENUM_UNKNOWN =
  'the column’s current members are not in the migrations checked: appending members at the end is INSTANT (INPLACE on MySQL 5.7) while the storage size stays (ENUM up to 255 members, SET within 8/16/24/32/64); reordering, inserting in the middle or removing copies the table, and rows holding a removed member fail (strict mode) or become empty';

/** The cost of one clause, with what the session set before (foreign_key_checks) and the columns known. */
export function clauseCost(
  action: AlterAction,
  statement: DdlStatement,
  settings: ReadonlyMap<string, string>,
  columns?: DdlSession['columns'],
): ClauseCost | undefined {
  const clause = action.text;
  switch (action.type) {
    case 'add-column':
      if (action.definition.generated && /\bSTORED\b/i.test(action.text))
        return { clause, byServer: same(copy), caveat: 'a STORED generated column computes every row' };
      if (action.definition.autoIncrement) return { clause, byServer: same(rebuildShared) };
      return action.definition.position
        ? { clause, byServer: lines(rebuild, rebuild, instant, instant), caveat: INSTANT_LIMITS }
        : { clause, byServer: lines(rebuild, instant, instant, instant), caveat: INSTANT_LIMITS };
    case 'drop-column':
      return { clause, byServer: lines(rebuild, rebuild, instant, instant), caveat: INSTANT_LIMITS };
    case 'rename-column':
      return { clause, byServer: lines(inplace, inplace, instant, instant) };
    case 'column-default':
      return { clause, byServer: lines(inplace, instant, instant, instant) };
    case 'rename-table':
      return { clause, byServer: same(instant) };
    case 'modify-column': {
      const table = statement.table ?? '';
      const before = columns?.column(table, action.column);
      return { clause, ...modifyCost(before, action.definition, table, action.column, columns) };
    }
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
      return {
        clause,
        byServer: same(copy),
        caveat: 'it converts every text column; only the table default changes when none has text columns',
      };
    case 'table-option':
      // The table's default character set only: existing columns keep theirs.
      if (/^(?:DEFAULT\s+)?(?:CHARACTER\s+SET|CHARSET|COLLATE)\b/i.test(action.text))
        return {
          clause,
          byServer: lines(rebuild, rebuild, rebuild, instant),
          caveat: 'MySQL rebuilds only when the new default encoding differs',
        };
      return undefined;
    default:
      return undefined;
  }
}

type Costed = Omit<ClauseCost, 'clause'>;

/** MODIFY / CHANGE: compared with the definition the earlier migrations gave, when there is one. */
function modifyCost(
  before: ColumnDefinition | undefined,
  after: ColumnDefinition,
  table: string,
  column: string,
  columns: DdlSession['columns'] | undefined,
): Costed {
  const next = typeParts(after.type);
  if (!before)
    return {
      byServer: same(copy),
      ...(next.base === 'enum' || next.base === 'set' ? { membersUnknown: true } : {}),
      caveat: next.base === 'enum' || next.base === 'set' ? ENUM_UNKNOWN : MODIFY_UNKNOWN,
    };
  const old = typeParts(before.type);
  if ((old.base === 'enum' || old.base === 'set') && old.base === next.base) return enumCost(before, after, old.base);
  const oldCharset = columns?.charsetOf(table, before);
  const newCharset = after.charset ?? oldCharset;
  const textual = /char|text/.test(old.base) && /char|text/.test(next.base);
  if (textual && oldCharset && newCharset && oldCharset !== newCharset) {
    const widening = /^utf8(?:mb3)?$/.test(oldCharset) && newCharset === 'utf8mb4' && old.base === next.base;
    return {
      byServer: widening ? lines(copy, copy, copy, instant) : same(copy),
      dataRisk: `its character set changes from ${oldCharset} to ${newCharset}: every value is converted`,
    };
  }
  if (old.base !== next.base || old.unsigned !== next.unsigned || old.args !== next.args) {
    const widerVarchar =
      old.base === 'varchar' && next.base === 'varchar' && Number(next.args) > Number(old.args) && !old.unsigned;
    if (widerVarchar) {
      const bytes = BYTES_PER_CHAR[newCharset ?? 'utf8mb4'] ?? 4;
      const samePrefix = Number(old.args) * bytes < 256 === Number(next.args) * bytes < 256;
      return {
        byServer: samePrefix ? lines(inplace, inplace, inplace, instant) : lines(copy, copy, copy, instant),
        ...(samePrefix
          ? {}
          : { caveat: `on MySQL the length prefix grows from 1 to 2 bytes (${bytes} byte(s) per character)` }),
      };
    }
    return { byServer: same(copy), dataRisk: narrowing(old, next) };
  }
  const oldCollation = before.collation;
  if (after.collation && oldCollation !== after.collation && textual)
    return {
      byServer: lines(copy, copy, copy, columns?.indexed(table, column) ? inplace : instant),
      caveat: 'the collation changes: indexes on the column are rebuilt, comparisons and uniqueness change',
    };
  if (before.notNull && !after.notNull) return { byServer: lines(rebuild, rebuild, rebuild, rebuild) };
  if (!before.notNull && after.notNull)
    return {
      byServer: same(rebuild),
      dataRisk: 'existing NULLs make it fail under strict mode (or become 0 / empty without it)',
    };
  return { byServer: lines(inplace, instant, instant, instant) };
}

function enumCost(before: ColumnDefinition, after: ColumnDefinition, base: 'enum' | 'set'): Costed {
  const old = before.members ?? [];
  const next = after.members ?? [];
  const appended = next.length >= old.length && old.every((member, at) => next[at] === member);
  const removed = old.filter((member) => !next.includes(member));
  const size = base === 'enum' ? enumBytes : setBytes;
  if (appended && size(old.length) === size(next.length))
    return { byServer: lines(inplace, instant, instant, instant) };
  const why = appended
    ? `the ${base.toUpperCase()} grows from ${old.length} to ${next.length} members, past its storage size`
    : removed.length > 0
      ? `it removes ${removed.map((member) => `'${member}'`).join(', ')}`
      : 'members are reordered or inserted before the last one';
  return {
    byServer: same(copy),
    caveat: why,
    ...(removed.length > 0
      ? {
          dataRisk: `rows holding ${removed.map((member) => `'${member}'`).join(', ')} fail the ALTER under strict mode, or become '' without it`,
        }
      : {}),
  };
}

const enumBytes = (members: number) => (members <= 255 ? 1 : 2);
const setBytes = (members: number) => {
  const bytes = Math.ceil(members / 8);
  return bytes > 4 ? 8 : bytes;
};

const BYTES_PER_CHAR: Record<string, number> = {
  latin1: 1,
  ascii: 1,
  binary: 1,
  ucs2: 2,
  utf8: 3,
  utf8mb3: 3,
  utf8mb4: 4,
  utf16: 4,
  utf32: 4,
};

interface TypeParts {
  base: string;
  args: string;
  unsigned: boolean;
}

function typeParts(type: string): TypeParts {
  const match = /^(\w+)(?:\(([^)]*)\))?(.*)$/.exec(type.trim());
  const base = (match?.[1] ?? type).toLowerCase();
  return {
    base: base === 'integer' ? 'int' : base,
    args: (match?.[2] ?? '').replace(/\s+/g, ''),
    unsigned: /\bunsigned\b/.test(match?.[3] ?? ''),
  };
}

const INTEGER_RANK: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 5 };

/** What a type change can do to existing values, when it can lose or refuse some. */
function narrowing(old: TypeParts, next: TypeParts): string | undefined {
  const from = INTEGER_RANK[old.base];
  const to = INTEGER_RANK[next.base];
  if (from !== undefined && to !== undefined) {
    if (old.unsigned !== next.unsigned)
      return next.unsigned
        ? 'signed to unsigned: negative values fail (strict mode) or become 0'
        : 'unsigned to signed: values over the signed maximum fail (strict mode) or are clamped';
    if (to < from) return `${old.base} to ${next.base}: values out of range fail (strict mode) or are clamped`;
    return undefined;
  }
  if (old.base === next.base && /char|binary/.test(old.base) && Number(next.args) < Number(old.args))
    return `${old.base}(${old.args}) to (${next.args}): longer values fail (strict mode) or are truncated`;
  return `${old.base}${old.args ? `(${old.args})` : ''} to ${next.base}${next.args ? `(${next.args})` : ''}: values that do not convert fail (strict mode) or change`;
}

export const ALGORITHM_RANK: Record<Algorithm, number> = { INSTANT: 0, INPLACE: 1, COPY: 2 };

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

/** The target's lines grouped by equal cost, in line order: one group when the version is known. */
export function costGroups(
  costs: Record<ServerLine, Cost>,
  target: MysqlTarget,
): Array<{ cost: Cost; lines: ServerLine[] }> {
  const groups: Array<{ cost: Cost; lines: ServerLine[] }> = [];
  for (const line of target.lines) {
    const cost = costs[line];
    const group = groups.find((each) => describeCost(each.cost) === describeCost(cost));
    if (group) group.lines.push(line);
    else groups.push({ cost, lines: [line] });
  }
  return groups;
}

/** "INSTANT" for a known server; "INSTANT on MySQL 8.0.29+/8.4/9, MariaDB …; INPLACE, LOCK=NONE (…) on MySQL 5.7" otherwise. */
export function describeCosts(costs: Record<ServerLine, Cost>, target: MysqlTarget): string {
  const groups = costGroups(costs, target);
  if (groups.length === 1 && groups[0]) return describeCost(groups[0].cost);
  return groups.map((group) => `${describeCost(group.cost)} on ${group.lines.join(', ')}`).join('; ');
}

export function describeCost(cost: Cost): string {
  if (cost.algorithm === 'INSTANT') return 'INSTANT';
  return `${cost.algorithm}, LOCK=${cost.lock}${cost.rebuild ? ' (rebuilds the table)' : ''}`;
}

/** The ALGORITHM/LOCK clause to pin the cheapest claim, so the server refuses instead of falling back to a copy. */
export function pinningClause(cost: Cost): MysqlAlterLock {
  return cost.algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : `ALGORITHM=${cost.algorithm}, LOCK=${cost.lock}`;
}

/** The costed clauses of an ALTER TABLE (or the index statements that are one). */
export function statementClauses(statement: DdlStatement, session: DdlSession): ClauseCost[] {
  if (statement.kind === 'create-index' || statement.kind === 'drop-index') {
    const fulltext = /^CREATE\s+(?:FULLTEXT|SPATIAL)\b/i.test(statement.sql.trimStart());
    return [{ clause: statement.sql, byServer: same(fulltext ? rebuildShared : inplace) }];
  }
  if (statement.kind === 'rename-table') return [{ clause: statement.sql, byServer: same(instant) }];
  return statement.actions.flatMap((action) => {
    const cost = clauseCost(action, statement, session.settings, session.columns);
    return cost ? [cost] : [];
  });
}
