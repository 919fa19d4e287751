import type { CreateFunctionStmt, CreateTrigStmt, Node } from 'libpg-query';
import { LOCK_STRENGTH, type PgLockMode } from '../engines/postgresql/locks.js';
import { loadedPostgresParser } from '../sql/postgres.js';
import { statementLocks } from './locks.js';
import { namesOf, tableKey } from './names.js';
import type { BodyLock, CatalogView, FunctionInfo, FunctionVolatility, TriggerInfo } from './types.js';

/**
 * User-defined triggers: a row written to a table runs the trigger functions this history created on it, and the
 * statements in their bodies take their own locks, held to the end of the writing statement's transaction (lemmy:
 * a DELETE whose trigger refreshes a materialized view takes ACCESS EXCLUSIVE on the view; PostgreSQL 15, pg_locks).
 */

type Write = 'insert' | 'update' | 'delete' | 'truncate';

// TRIGGER_TYPE_* bits of CreateTrigStmt.events (PostgreSQL's catalog/pg_trigger.h).
const EVENT_BITS: ReadonlyArray<[number, Write]> = [
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

/** What CREATE FUNCTION records: its volatility and, for a PL/pgSQL trigger function, the locks of its SQL. */
export function functionInfo(stmt: CreateFunctionStmt, catalog: CatalogView): FunctionInfo {
  const volatility = declaredVolatility(stmt.options);
  if (namesOf(stmt.returnType?.names).at(-1) !== 'trigger') return { volatility };
  const body = plpgsqlBody(stmt.options);
  const bodyLocks = body === undefined ? undefined : locksOfBody(body, catalog);
  return bodyLocks ? { volatility, bodyLocks } : { volatility };
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

/** The relations the body's SQL statements lock, each once with its strongest mode; undefined when it does not parse. */
function locksOfBody(body: string, catalog: CatalogView): BodyLock[] | undefined {
  const lib = loadedPostgresParser();
  if (!lib) return undefined;
  let tag = 'dma';
  while (body.includes(`$${tag}$`)) tag += '_';
  let tree: unknown;
  try {
    tree = lib.parsePlPgSQLSync(
      `CREATE FUNCTION dma_trigger() RETURNS trigger LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`,
    );
  } catch {
    return undefined;
  }
  const strongest = new Map<string, BodyLock>();
  for (const query of embeddedQueries(tree)) {
    let statements: Array<{ stmt?: Node }>;
    try {
      statements = lib.parseSync(query).stmts ?? [];
    } catch {
      continue;
    }
    for (const { stmt } of statements) {
      if (!stmt) continue;
      for (const { table, mode, rewrite } of statementLocks(stmt, catalog)) {
        const known = strongest.get(table);
        const stronger = !known || LOCK_STRENGTH[mode] > LOCK_STRENGTH[known.mode];
        strongest.set(table, {
          table,
          mode: stronger ? mode : known.mode,
          rewrite: rewrite || known?.rewrite === true,
        });
      }
    }
  }
  return [...strongest.values()];
}

/** PL/pgSQL statements whose text is SQL run as written: plain statements, PERFORM, FOR … IN query, RETURN QUERY. */
const QUERY_OF: Readonly<Record<string, string>> = {
  PLpgSQL_stmt_execsql: 'sqlstmt',
  PLpgSQL_stmt_perform: 'expr',
  PLpgSQL_stmt_fors: 'query',
  PLpgSQL_stmt_return_query: 'query',
};

function embeddedQueries(tree: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const field = QUERY_OF[key];
      const expr = field ? (child as Record<string, { PLpgSQL_expr?: { query?: string } }>)[field] : undefined;
      const query = expr?.PLpgSQL_expr?.query;
      if (query) found.push(query);
      visit(child);
    }
  };
  visit(tree);
  return found;
}

/**
 * The locks the table's triggers take when a statement writes it (`columns`: an UPDATE's SET list, when known).
 * Row triggers fire only where rows are written: not for an UPDATE or DELETE of a table the transaction emptied.
 */
export function userTriggerLocks(
  catalog: CatalogView,
  table: string,
  write: Write,
  columns: readonly string[] | undefined,
  add: (table: string, mode: PgLockMode, on: string, rewrite: boolean) => void,
): void {
  const noRows = write !== 'insert' && catalog.tableEmptiedInCurrentTransaction(table);
  for (const trigger of catalog.triggersOf(table)) {
    if (!trigger.events.includes(write) || (trigger.row && noRows)) continue;
    if (write === 'update' && trigger.updateColumns && columns)
      if (!trigger.updateColumns.some((column) => columns.includes(column))) continue;
    const transition = new Set((trigger.transitionTables ?? []).map((name) => tableKey(name)));
    for (const lock of catalog.functionBodyLocks(trigger.function) ?? [])
      if (!transition.has(lock.table))
        add(lock.table, lock.mode, `relation trigger ${trigger.function}() uses`, lock.rewrite);
  }
}
