import type { CreateFunctionStmt, CreateTrigStmt, Node } from 'libpg-query';
import { LOCK_STRENGTH, type PgLockMode } from '../engines/postgresql/locks.js';
import { loadedPostgresParser } from '../sql/postgres.js';
import { statementLocks } from './locks.js';
import { namesOf, tableKey } from './names.js';
import type { CatalogView, FunctionInfo, FunctionVolatility, TriggerEvent, TriggerInfo } from './types.js';

/**
 * User-defined triggers: a row written to a table runs the trigger functions this history created on it, and the
 * statements in their bodies take their own locks, held to the end of the writing statement's transaction (lemmy:
 * a DELETE whose trigger refreshes a materialized view takes ACCESS EXCLUSIVE on the view; PostgreSQL 15, pg_locks).
 */

// TRIGGER_TYPE_* bits of CreateTrigStmt.events (PostgreSQL's catalog/pg_trigger.h).
const EVENT_BITS: ReadonlyArray<[number, TriggerEvent]> = [
  [1 << 2, 'insert'],
  [1 << 3, 'delete'],
  [1 << 4, 'update'],
  [1 << 5, 'truncate'],
];

/** What CREATE TRIGGER records; undefined for a statement the catalog cannot place. */
export function triggerInfo(stmt: CreateTrigStmt): TriggerInfo | undefined {
  const called = namesOf(stmt.funcname).at(-1);
  if (!called) return undefined;
  const events = EVENT_BITS.filter(([bit]) => ((stmt.events ?? 0) & bit) !== 0).map(([, write]) => write);
  const updateColumns = namesOf(stmt.columns);
  const transitionTables = (stmt.transitionRels ?? []).flatMap((node) =>
    'TriggerTransition' in node && node.TriggerTransition.name ? [node.TriggerTransition.name] : [],
  );
  return {
    function: called,
    row: stmt.row === true,
    events,
    ...(updateColumns.length > 0 ? { updateColumns } : {}),
    ...(transitionTables.length > 0 ? { transitionTables } : {}),
  };
}

/** What CREATE FUNCTION records: its volatility and, for a PL/pgSQL trigger function, its body. */
export function functionInfo(stmt: CreateFunctionStmt): FunctionInfo {
  const volatility = declaredVolatility(stmt.options);
  const triggerBody = namesOf(stmt.returnType?.names).at(-1) === 'trigger' ? plpgsqlBody(stmt.options) : undefined;
  return triggerBody === undefined ? { volatility } : { volatility, triggerBody };
}

/** A relation a trigger function's SQL locks, with the strongest mode it takes there. */
interface BodyLock {
  table: string;
  mode: PgLockMode;
  /** Rewritten (REFRESH MATERIALIZED VIEW gives the view new storage). */
  rewrite: boolean;
}

/**
 * The locks of a trigger function's body by event, read the first time a trigger fires it (most histories create
 * trigger functions that no later statement of theirs fires) and kept with the function's record. A function
 * whose SQL fires, through other triggers, the function itself counts what it reaches once.
 */
const bodyLocksOf = new WeakMap<FunctionInfo, Record<TriggerEvent, BodyLock[]> | undefined>();
const reading = new WeakSet<FunctionInfo>();

function functionLocks(info: FunctionInfo, catalog: CatalogView): Record<TriggerEvent, BodyLock[]> | undefined {
  if (info.triggerBody === undefined || reading.has(info)) return undefined;
  if (!bodyLocksOf.has(info)) {
    reading.add(info);
    try {
      bodyLocksOf.set(info, locksOfBody(info.triggerBody, catalog));
    } finally {
      reading.delete(info);
    }
  }
  return bodyLocksOf.get(info);
}

function declaredVolatility(options: Node[] | undefined): FunctionVolatility {
  for (const option of options ?? []) {
    if (!('DefElem' in option) || option.DefElem.defname !== 'volatility') continue;
    const value = option.DefElem.arg && 'String' in option.DefElem.arg ? option.DefElem.arg.String.sval : undefined;
    if (value === 'immutable' || value === 'stable') return value;
  }
  return 'volatile';
}

/** The body of a LANGUAGE plpgsql function (`AS '…'`); undefined for another language. */
function plpgsqlBody(options: Node[] | undefined): string | undefined {
  let body: string | undefined;
  let language: string | undefined;
  for (const option of options ?? []) {
    if (!('DefElem' in option)) continue;
    const { defname, arg } = option.DefElem;
    if (defname === 'language' && arg && 'String' in arg) language = arg.String.sval?.toLowerCase();
    if (defname === 'as' && arg && 'List' in arg) {
      const first = arg.List.items?.[0];
      body = first && 'String' in first ? first.String.sval : undefined;
    }
  }
  return language === 'plpgsql' ? body : undefined;
}

const EVENTS: readonly TriggerEvent[] = ['insert', 'update', 'delete', 'truncate'];

/** For each event: the relations the body's SQL locks when it fires; undefined when the body does not parse. */
function locksOfBody(body: string, catalog: CatalogView): Record<TriggerEvent, BodyLock[]> | undefined {
  const lib = loadedPostgresParser();
  if (!lib) return undefined;
  let tag = 'dma';
  while (body.includes(`$${tag}$`)) tag += '_';
  let tree: { plpgsql_funcs?: Array<{ PLpgSQL_function?: { action?: unknown } }> };
  try {
    tree = lib.parsePlPgSQLSync(
      `CREATE FUNCTION dma_trigger() RETURNS trigger LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`,
    ) as unknown as typeof tree;
  } catch {
    return undefined;
  }
  const action = tree.plpgsql_funcs?.[0]?.PLpgSQL_function?.action;
  const statements = (text: string): Node[] => {
    try {
      return (lib.parseSync(text).stmts ?? []).flatMap(({ stmt }) => (stmt ? [stmt] : []));
    } catch {
      return [];
    }
  };
  const queryLocks = memoize((query: string) => statements(query).flatMap((stmt) => statementLocks(stmt, catalog)));
  const condition = memoize((text: string) => {
    const [select] = statements(`SELECT ${text}`);
    const target = select && 'SelectStmt' in select ? select.SelectStmt.targetList?.[0] : undefined;
    return target && 'ResTarget' in target ? target.ResTarget.val : undefined;
  });
  const result = {} as Record<TriggerEvent, BodyLock[]>;
  for (const event of EVENTS) {
    const strongest = new Map<string, BodyLock>();
    const holds = (text: string | undefined) => (text === undefined ? undefined : firedBy(condition(text), event));
    for (const query of queriesRun(action, holds))
      for (const { table, mode, rewrite } of queryLocks(query)) {
        const known = strongest.get(table);
        const stronger = !known || LOCK_STRENGTH[mode] > LOCK_STRENGTH[known.mode];
        strongest.set(table, {
          table,
          mode: stronger ? mode : known.mode,
          rewrite: rewrite || known?.rewrite === true,
        });
      }
    result[event] = [...strongest.values()];
  }
  return result;
}

function memoize<T>(compute: (text: string) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    if (!known.has(text)) known.set(text, compute(text));
    return known.get(text) as T;
  };
}

/** PL/pgSQL statements whose text is SQL run as written: plain statements, PERFORM, FOR … IN query, RETURN QUERY. */
const QUERY_OF: Readonly<Record<string, string>> = {
  PLpgSQL_stmt_execsql: 'sqlstmt',
  PLpgSQL_stmt_perform: 'expr',
  PLpgSQL_stmt_fors: 'query',
  PLpgSQL_stmt_return_query: 'query',
};

type Expr = { PLpgSQL_expr?: { query?: string } } | undefined;

interface IfStatement {
  cond?: Expr;
  then_body?: unknown;
  elsif_list?: Array<{ PLpgSQL_if_elsif?: { cond?: Expr; stmts?: unknown } }>;
  else_body?: unknown;
}

/**
 * The SQL the body may run, skipping the branches of an IF whose condition `holds` tells is false (and those after
 * one it tells is true); a condition it cannot tell (undefined) may go either way.
 */
function queriesRun(action: unknown, holds: (condition: string | undefined) => boolean | undefined): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'PLpgSQL_stmt_if') {
        visitIf(child as IfStatement);
        continue;
      }
      const field = QUERY_OF[key];
      const query = field ? (child as Record<string, Expr>)[field]?.PLpgSQL_expr?.query : undefined;
      if (query) found.push(query);
      visit(child);
    }
  };
  const visitIf = (statement: IfStatement) => {
    const branches = [
      { cond: statement.cond, body: statement.then_body },
      ...(statement.elsif_list ?? []).map((each) => ({
        cond: each.PLpgSQL_if_elsif?.cond,
        body: each.PLpgSQL_if_elsif?.stmts,
      })),
    ];
    for (const branch of branches) {
      const taken = holds(branch.cond?.PLpgSQL_expr?.query);
      if (taken === false) continue;
      visit(branch.body);
      if (taken === true) return;
    }
    visit(statement.else_body);
  };
  visit(action);
  return found;
}

/** Whether a condition on TG_OP holds for `event`: = / <> / IN / NOT IN with AND, OR, NOT; undefined otherwise. */
function firedBy(node: Node | undefined, event: TriggerEvent): boolean | undefined {
  if (!node) return undefined;
  if ('BoolExpr' in node) {
    const values = (node.BoolExpr.args ?? []).map((arg) => firedBy(arg, event));
    if (node.BoolExpr.boolop === 'NOT_EXPR') return values[0] === undefined ? undefined : !values[0];
    const decisive = node.BoolExpr.boolop === 'OR_EXPR';
    if (values.includes(decisive)) return decisive;
    return values.every((value) => value === !decisive) ? !decisive : undefined;
  }
  if (!('A_Expr' in node)) return undefined;
  const { kind, name, lexpr, rexpr } = node.A_Expr;
  if (namesOf(lexpr && 'ColumnRef' in lexpr ? lexpr.ColumnRef.fields : undefined).join('.') !== 'tg_op')
    return undefined;
  const operator = namesOf(name)[0];
  const items = kind === 'AEXPR_IN' && rexpr && 'List' in rexpr ? (rexpr.List.items ?? []) : rexpr ? [rexpr] : [];
  const words = items.map((item) => ('A_Const' in item ? item.A_Const.sval?.sval?.toLowerCase() : undefined));
  if (words.includes(undefined) || (kind !== 'AEXPR_OP' && kind !== 'AEXPR_IN')) return undefined;
  const matches = words.includes(event);
  if (operator === '=') return matches;
  if (operator === '<>' || operator === '!=') return !matches;
  return undefined;
}

/**
 * The locks the table's triggers take when a statement writes it (`columns`: an UPDATE's SET list, when known).
 * Row triggers fire only where rows are written: not for an UPDATE or DELETE of a table the transaction emptied.
 */
export function userTriggerLocks(
  catalog: CatalogView,
  table: string,
  write: TriggerEvent,
  columns: readonly string[] | undefined,
  add: (table: string, mode: PgLockMode, on: string, rewrite: boolean) => void,
): void {
  const noRows = write !== 'insert' && catalog.tableEmptiedInCurrentTransaction(table);
  for (const trigger of catalog.triggersOf(table)) {
    if (!trigger.events.includes(write) || (trigger.row && noRows)) continue;
    if (write === 'update' && trigger.updateColumns && columns)
      if (!trigger.updateColumns.some((column) => columns.includes(column))) continue;
    const transition = new Set((trigger.transitionTables ?? []).map((name) => tableKey(name)));
    const info = catalog.functionInfo(trigger.function);
    for (const lock of (info && functionLocks(info, catalog)?.[write]) ?? [])
      if (!transition.has(lock.table))
        add(lock.table, lock.mode, `relation trigger ${trigger.function}() uses`, lock.rewrite);
  }
}
