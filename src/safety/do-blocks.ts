import type { AlterTableStmt, Node } from 'libpg-query';
import type { Position, Span } from '../model.js';
import type { PgQueryParser } from '../sql/pg-query-wasm.js';
import { loadedPostgresParser, type PgStatement } from '../sql/postgres.js';
import { nodeType } from './ast.js';

/**
 * The SQL a `DO $$ … $$` block runs, as statements of their own: PL/pgSQL is parsed (libpg_query's PL/pgSQL
 * parser) and each embedded SQL statement — with or without INTO, a PERFORM, the query of a FOR loop, of a cursor
 * it loops over or opens, and each `EXECUTE '…'` of a constant string — is parsed with its place in the file, so
 * the rules, the lock map and the catalog see what the block does. supabase/auth adds columns and builds indexes
 * inside DO blocks; older drizzle-kit wraps every foreign key in one; goharbor/harbor copies rows in loops.
 */
export interface DoBlockStatement {
  statement: PgStatement;
  /**
   * Runs only under an IF, CASE or loop, in an exception handler or after an early RETURN: whether it ran is not
   * known. It is checked as if it runs, but the catalog treats the columns it changes as uncertain, and a table it
   * empties as possibly still holding rows.
   */
  conditional: boolean;
  /** A condition or an exception handler lets a second run pass: no IF [NOT] EXISTS is needed for a retry. */
  guarded: boolean;
}

export interface DoBlockBody {
  statements: DoBlockStatement[];
  /**
   * `EXECUTE` of SQL built at run time that may change the schema (format(), concatenation): not read.
   * `changesSchema` false: what it builds is known to leave tables, columns, keys and indexes as they are (a grant,
   * an owner, a role), so the schema stays known; its locks are still not checked.
   */
  dynamicDdl: Array<{ span: Span; text: string; changesSchema: boolean }>;
}

/** Dynamic SQL that may change tables, indexes or types (roles, grants and policies change no table). */
const DYNAMIC_DDL =
  /\b(create|alter|drop)\s+(or\s+replace\s+)?(unique\s+|temp\s+|temporary\s+|unlogged\s+|materialized\s+)?(table|index|view|sequence|type|schema|domain|trigger)\b|\b(rename|truncate|add\s+column|drop\s+column)\b/i;

/**
 * Dynamic SQL that locks a table ACCESS EXCLUSIVE without changing its columns, keys or indexes (PostgreSQL 15,
 * pg_locks): its locks go unchecked, so it is listed too. Grants and roles lock no table.
 */
const DYNAMIC_TABLE_LOCK =
  /\b(create|alter|drop)\s+policy\b|\bcreate\s+(or\s+replace\s+)?rule\b|\b(lock\s+table|refresh\s+materialized\s+view|reindex|cluster)\b/i;

/** The statements of a PL/pgSQL DO block; undefined for another language or a body PL/pgSQL rejects. */
export function doBlockBody(statement: PgStatement, position: (offset: number) => Position): DoBlockBody | undefined {
  const lib = loadedPostgresParser();
  const stmt = (statement.ast as { DoStmt?: { args?: Node[] } }).DoStmt;
  if (!lib || !stmt) return undefined;
  let body: string | undefined;
  let language = 'plpgsql';
  for (const arg of stmt.args ?? []) {
    const element = 'DefElem' in arg ? arg.DefElem : undefined;
    const value = element?.arg && 'String' in element.arg ? element.arg.String.sval : undefined;
    if (element?.defname === 'as') body = value;
    else if (element?.defname === 'language' && value) language = value.toLowerCase();
  }
  if (body === undefined || language !== 'plpgsql') return undefined;
  let tree: unknown;
  try {
    tree = lib.parsePlPgSQLSync(wrapAsFunction(body));
  } catch {
    return undefined;
  }
  // Where the body stands in the statement: dollar-quoted bodies are verbatim; a quoted one ('' escapes) is not
  // found, and its statements are placed at the DO statement.
  const bodyAt = statement.sql.indexOf(body);
  const lineStarts = [0];
  for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const result: DoBlockBody = { statements: [], dynamicDdl: [] };
  /** Where `text`, written on body line `line`, starts in the statement; -1 when it cannot be found. */
  const find = (text: string, line: number) => {
    if (bodyAt === -1) return -1;
    const found = body.indexOf(text, lineStarts[Math.max(0, line - 1)] ?? 0);
    const anywhere = found === -1 ? body.indexOf(text) : found;
    return anywhere === -1 ? -1 : bodyAt + anywhere;
  };
  /**
   * Where PL/pgSQL's text of an embedded statement is written: verbatim, or with its INTO clause blanked out
   * (PL/pgSQL writes `INTO target` as as many spaces, so the two line up character for character); -1 when it
   * cannot be found.
   */
  const locate = (query: string, line: number) => {
    const exact = find(query, line);
    if (exact !== -1 || bodyAt === -1) return exact;
    const head = query.slice(0, Math.max(1, query.search(/\s/)));
    for (const from of [lineStarts[Math.max(0, line - 1)] ?? 0, 0])
      for (let at = body.indexOf(head, from); at !== -1; at = body.indexOf(head, at + 1))
        if (blankedOut(body, at, query)) return bodyAt + at;
    return -1;
  };
  /**
   * Checks the statements `parsed` holds, written at `found` (-1: not found, placed at the DO statement) as
   * `shown` (the same length as `parsed`: what the report quotes).
   */
  const place = (found: number, written: string | undefined, parsed: string, flags: Flags, shown = parsed) => {
    const start = Math.max(0, found);
    const at = found === -1 ? undefined : written;
    for (const inner of innerStatements(lib, parsed, shown, statement, start, at, position))
      result.statements.push({ statement: inner, ...flags });
  };
  /** Embedded SQL as PL/pgSQL keeps it (a statement, a loop's or a cursor's query), INTO blanked out. */
  const placeQuery = (expr: Expr | undefined, line: number, flags: Flags) => {
    const query = expr?.PLpgSQL_expr?.query;
    if (!query) return;
    const found = locate(query, line);
    const written = found === -1 ? undefined : statement.sql.slice(found, found + query.length);
    place(found, written, query, flags, written ?? query);
  };
  /** EXECUTE of a string: a constant one is checked; one built at run time that may change the schema or lock a table is listed. */
  const placeDynamic = (expr: Expr | undefined, line: number, flags: Flags) => {
    const expression = expr?.PLpgSQL_expr?.query?.trim() ?? '';
    const constant = /^'((?:[^']|'')*)'$/s.exec(expression);
    const matches = (pattern: RegExp) => pattern.test(expression) || (!expression.includes("'") && pattern.test(body));
    if (constant) place(find(expression, line), expression, constant[1]!.replace(/''/g, "'"), flags);
    // A variable's text was built elsewhere in the block (SELECT concat('ALTER TABLE …') INTO stmt): the body tells.
    else if (matches(DYNAMIC_DDL) || matches(DYNAMIC_TABLE_LOCK)) {
      const found = find(expression, line);
      const span =
        found === -1
          ? statement.span
          : {
              start: position(statement.offset.start + found),
              end: position(statement.offset.start + found + expression.length),
            };
      const changesSchema = matches(DYNAMIC_DDL) && !leavesSchema(lib, expression);
      result.dynamicDdl.push({ span, text: expression, changesSchema });
    }
  };
  /** The query of a declared cursor (`c CURSOR FOR SELECT …`), which FOR … IN c and OPEN c run. */
  const cursorQuery = (curvar: number | undefined, flags: Flags) => {
    const cursor = curvar === undefined ? undefined : datums[curvar]?.PLpgSQL_var;
    if (cursor?.cursor_explicit_expr) placeQuery(cursor.cursor_explicit_expr, cursor.lineno ?? 1, flags);
  };
  /** Where `PERFORM` followed by `rest` is written, in the statement; -1 when it cannot be found. */
  const performAt = (rest: string, line: number) => {
    if (bodyAt === -1) return -1;
    for (const from of [lineStarts[Math.max(0, line - 1)] ?? 0, 0])
      for (let at = body.indexOf(rest, from); at !== -1; at = body.indexOf(rest, at + 1))
        if (at >= 7 && body.slice(at - 7, at).toLowerCase() === 'perform') return bodyAt + at - 7;
    return -1;
  };
  const datums =
    (tree as { plpgsql_funcs?: Array<{ PLpgSQL_function?: { datums?: Datum[] } }> }).plpgsql_funcs?.[0]
      ?.PLpgSQL_function?.datums ?? [];
  walk(tree, false, false, (node, guarded, conditional) => {
    const flags = { guarded, conditional };
    // SELECT … INTO reads; INSERT, UPDATE and DELETE … RETURNING … INTO write, as they do without INTO.
    if ('PLpgSQL_stmt_execsql' in node) {
      const execsql = node.PLpgSQL_stmt_execsql as { lineno?: number; sqlstmt?: Expr };
      placeQuery(execsql.sqlstmt, execsql.lineno ?? 1, flags);
    } else if ('PLpgSQL_stmt_perform' in node) {
      // PERFORM … is SELECT … with the rows discarded; PL/pgSQL keeps it as SELECT.
      const perform = node.PLpgSQL_stmt_perform as { lineno?: number; expr?: Expr };
      const rest = perform.expr?.PLpgSQL_expr?.query?.trimStart().replace(/^select/i, '');
      if (rest === undefined) return;
      const found = performAt(rest, perform.lineno ?? 1);
      const written = found === -1 ? undefined : statement.sql.slice(found, found + 7 + rest.length);
      place(found, written, `SELECT ${rest}`, flags, written ?? `SELECT ${rest}`);
    } else if ('PLpgSQL_stmt_fors' in node) {
      // The loop's query runs when the loop is reached; its body (walked as a branch) may run no time at all.
      const loop = node.PLpgSQL_stmt_fors as { lineno?: number; query?: Expr };
      placeQuery(loop.query, loop.lineno ?? 1, flags);
    } else if ('PLpgSQL_stmt_forc' in node) {
      cursorQuery((node.PLpgSQL_stmt_forc as { curvar?: number }).curvar, flags);
    } else if ('PLpgSQL_stmt_open' in node) {
      const open = node.PLpgSQL_stmt_open as { lineno?: number; curvar?: number; query?: Expr; dynquery?: Expr };
      if (open.query) placeQuery(open.query, open.lineno ?? 1, flags);
      else if (open.dynquery) placeDynamic(open.dynquery, open.lineno ?? 1, flags);
      else cursorQuery(open.curvar, flags);
    } else if ('PLpgSQL_stmt_dynexecute' in node) {
      const dynamic = node.PLpgSQL_stmt_dynexecute as { lineno?: number; query?: Expr };
      placeDynamic(dynamic.query, dynamic.lineno ?? 1, flags);
    } else if ('PLpgSQL_stmt_dynfors' in node) {
      const loop = node.PLpgSQL_stmt_dynfors as { lineno?: number; query?: Expr };
      placeDynamic(loop.query, loop.lineno ?? 1, flags);
    }
  });
  return result;
}

type Expr = { PLpgSQL_expr?: { query?: string } };
type Flags = Pick<DoBlockStatement, 'conditional' | 'guarded'>;
/** A variable of the block; a bound cursor's carries its query. */
type Datum = { PLpgSQL_var?: { lineno?: number; cursor_explicit_expr?: Expr } };

/** Whether `query` is written at `at` in `body`, except where it has blanks (an INTO clause PL/pgSQL took out). */
function blankedOut(body: string, at: number, query: string): boolean {
  if (at + query.length > body.length) return false;
  for (let i = 0; i < query.length; i++) if (query[i] !== body[at + i] && query[i] !== ' ') return false;
  return true;
}

/** Statements that change no table's columns, keys or indexes (what a catalog of the schema holds). */
const SCHEMA_NEUTRAL = new Set([
  'GrantStmt',
  'GrantRoleStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'AlterDefaultPrivilegesStmt',
  'CommentStmt',
  'AlterOwnerStmt',
  'ReassignOwnedStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
]);
const NEUTRAL_TABLE_CHANGES = new Set([
  'AT_ChangeOwner',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
]);

/**
 * Whether an EXECUTE expression of literals and values joined by `||` (`'ALTER TABLE storage.objects OWNER TO '
 * || super_user`) builds only statements that leave the schema as it is: each value is replaced by a placeholder
 * name and the text parsed. Anything else (format(), a variable holding the whole text) may change anything.
 */
function leavesSchema(lib: PgQueryParser, expression: string): boolean {
  const text = placeholderText(expression);
  if (text === undefined) return false;
  let stmts: Array<{ stmt?: Node }>;
  try {
    stmts = lib.parseSync(text).stmts ?? [];
  } catch {
    return false;
  }
  return (
    stmts.length > 0 &&
    stmts.every(({ stmt }) => {
      if (!stmt) return false;
      const type = nodeType(stmt);
      if (SCHEMA_NEUTRAL.has(type) || droppedPolicy(stmt)) return true;
      const alter = type === 'AlterTableStmt' ? (stmt as { AlterTableStmt: AlterTableStmt }).AlterTableStmt : undefined;
      return (
        alter !== undefined &&
        (alter.cmds ?? []).length > 0 &&
        (alter.cmds ?? []).every(
          (cmd) => 'AlterTableCmd' in cmd && NEUTRAL_TABLE_CHANGES.has(cmd.AlterTableCmd.subtype ?? ''),
        )
      );
    })
  );
}

function droppedPolicy(stmt: Node): boolean {
  return (stmt as { DropStmt?: { removeType?: string } }).DropStmt?.removeType === 'OBJECT_POLICY';
}

/** The text `'a' || name || 'b'` builds, each value (a name or a call of names) as `dma_value`. */
function placeholderText(expression: string): string | undefined {
  let text = '';
  for (const part of concatenated(expression)) {
    const literal = /^'((?:[^']|'')*)'$/s.exec(part);
    if (literal) text += (literal[1] as string).replace(/''/g, "'");
    else if (/^[A-Za-z_][\w.]*(\s*\([\w\s.,]*\))?$/.test(part)) text += 'dma_value';
    else return undefined;
  }
  return text;
}

/** The operands of a `||` chain at the top level (outside quotes and parentheses), trimmed. */
function concatenated(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let at = 0; at < expression.length; at++) {
    const char = expression[at];
    if (char === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && expression[at + 1] === '|' && depth === 0) {
      parts.push(expression.slice(start, at).trim());
      start = at + 2;
      at++;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** The body as a function PL/pgSQL can compile, on the first line so PL/pgSQL line numbers are the body's. */
function wrapAsFunction(body: string): string {
  let tag = 'dma';
  while (body.includes(`$${tag}$`)) tag += '_';
  return `CREATE FUNCTION dma_do_block() RETURNS void LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`;
}

const BRANCHES = new Set([
  'PLpgSQL_stmt_if',
  'PLpgSQL_stmt_case',
  'PLpgSQL_stmt_loop',
  'PLpgSQL_stmt_while',
  'PLpgSQL_stmt_fori',
  'PLpgSQL_stmt_fors',
  'PLpgSQL_stmt_forc',
  'PLpgSQL_stmt_foreach_a',
  'PLpgSQL_stmt_dynfors',
]);

/** Visits every PL/pgSQL statement node, knowing whether it is guarded (condition, handler) and conditional. */
function walk(
  value: unknown,
  guarded: boolean,
  conditional: boolean,
  visit: (node: Record<string, unknown>, guarded: boolean, conditional: boolean) => void,
): void {
  if (Array.isArray(value)) {
    // After `IF … THEN RETURN; END IF;` (an idempotent migration's "already done" check), the rest may not run.
    let cut = false;
    for (const item of value) {
      walk(item, guarded || cut, conditional || cut, visit);
      cut ||= leavesEarly(item);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Record<string, unknown>;
  visit(node, guarded, conditional);
  for (const [key, child] of Object.entries(node)) {
    if (BRANCHES.has(key)) walk(child, true, true, visit);
    else if (key === 'PLpgSQL_stmt_block') {
      const block = child as { body?: unknown; exceptions?: unknown };
      // A block with a handler: its body runs, and an error it names is caught (duplicate_object on a retry).
      walk(block.body, guarded || block.exceptions !== undefined, conditional, visit);
      walk(block.exceptions, true, true, visit);
    } else walk(child, guarded, conditional, visit);
  }
}

/** Holds a RETURN, or an EXIT or CONTINUE to a label: what follows it in its list may not run. */
function leavesEarly(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(leavesEarly);
  if (typeof value !== 'object' || value === null) return false;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'PLpgSQL_stmt_return') return true;
    if (key === 'PLpgSQL_stmt_exit' && (child as { label?: string }).label !== undefined) return true;
    if (typeof child === 'object' && leavesEarly(child)) return true;
  }
  return false;
}

/**
 * Parses one embedded SQL text into statements placed at `start` characters into the DO statement; `shown`, the
 * same length as `text`, is what their text says (PERFORM and INTO as written, where `text` has SELECT and blanks).
 */
function innerStatements(
  lib: NonNullable<ReturnType<typeof loadedPostgresParser>>,
  text: string,
  shown: string,
  outer: PgStatement,
  start: number,
  written: string | undefined,
  position: (offset: number) => Position,
): PgStatement[] {
  let stmts: Array<{ stmt?: Node; stmt_location?: number; stmt_len?: number }>;
  try {
    stmts = lib.parseSync(text).stmts ?? [];
  } catch {
    return [];
  }
  // A constant EXECUTE string starts one character (its quote) into where it is written.
  const shift = written !== undefined && written !== text && written.startsWith("'") ? 1 : 0;
  const textStart = outer.offset.start + start + shift;
  const outerByte = outer.byteStart ?? outer.locationBase;
  const byteStart = outerByte + Buffer.byteLength(outer.sql.slice(0, start + shift), 'utf8');
  const bytes = Buffer.from(text, 'utf8');
  const charsBefore = (byte: number) =>
    bytes.length === text.length ? byte : bytes.subarray(0, byte).toString('utf8').length;
  const statements: PgStatement[] = [];
  for (const raw of stmts) {
    if (!raw.stmt || nodeType(raw.stmt) === 'TransactionStmt') continue;
    const fromByte = raw.stmt_location ?? 0;
    const from = charsBefore(fromByte);
    const to = raw.stmt_len ? charsBefore(fromByte + raw.stmt_len) : text.length;
    const leading = text.slice(from, to).search(/\S/);
    const sql = shown.slice(from, to).trim();
    const at = from + Math.max(0, leading);
    const offset =
      written === undefined ? { ...outer.offset } : { start: textStart + at, end: textStart + at + sql.length };
    statements.push({
      sql,
      span: written === undefined ? outer.span : { start: position(offset.start), end: position(offset.end) },
      offset,
      ast: raw.stmt,
      locationBase: byteStart,
      byteStart: byteStart + Buffer.byteLength(text.slice(0, at), 'utf8'),
    });
  }
  return statements;
}
