import type { AlterTableStmt, Node } from 'libpg-query';
import type { Position, Span } from '../model.js';
import type { PgQueryParser } from '../sql/pg-query-wasm.js';
import { loadedPostgresParser, type PgStatement } from '../sql/postgres.js';
import { nodeType } from './ast.js';

/**
 * The SQL a `DO $$ … $$` block runs, as statements of their own: PL/pgSQL is parsed (libpg_query's PL/pgSQL
 * parser) and each embedded SQL statement — and each `EXECUTE '…'` of a constant string — is parsed with its
 * place in the file, so the rules, the lock map and the catalog see what the block does. supabase/auth adds
 * columns and builds indexes inside DO blocks; older drizzle-kit wraps every foreign key in one.
 */
export interface DoBlockStatement {
  statement: PgStatement;
  /**
   * Runs only under an IF, CASE or loop, or in an exception handler: whether it ran is not known. It is checked as
   * if it runs, but the catalog treats the columns it changes as uncertain.
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
  const place = (text: string, line: number, parsed: string, guarded: boolean, conditional: boolean) => {
    const found = find(text, line);
    const start = Math.max(0, found);
    for (const inner of innerStatements(lib, parsed, statement, start, found === -1 ? undefined : text, position))
      result.statements.push({ statement: inner, conditional, guarded });
  };
  walk(tree, false, false, (node, guarded, conditional) => {
    if ('PLpgSQL_stmt_execsql' in node) {
      const execsql = node.PLpgSQL_stmt_execsql as { lineno?: number; into?: boolean; sqlstmt?: Expr };
      const query = execsql.sqlstmt?.PLpgSQL_expr?.query;
      // SELECT … INTO variables reads; it creates no table.
      if (query && !execsql.into) place(query, execsql.lineno ?? 1, query, guarded, conditional);
    } else if ('PLpgSQL_stmt_dynexecute' in node) {
      const dynamic = node.PLpgSQL_stmt_dynexecute as { lineno?: number; query?: Expr };
      const expression = dynamic.query?.PLpgSQL_expr?.query?.trim() ?? '';
      const constant = /^'((?:[^']|'')*)'$/s.exec(expression);
      if (constant) place(expression, dynamic.lineno ?? 1, constant[1]!.replace(/''/g, "'"), guarded, conditional);
      // A variable's text was built elsewhere in the block (SELECT concat('ALTER TABLE …') INTO stmt): the body tells.
      else if (DYNAMIC_DDL.test(expression) || (!expression.includes("'") && DYNAMIC_DDL.test(body))) {
        const found = find(expression, dynamic.lineno ?? 1);
        const span =
          found === -1
            ? statement.span
            : {
                start: position(statement.offset.start + found),
                end: position(statement.offset.start + found + expression.length),
              };
        result.dynamicDdl.push({ span, text: expression, changesSchema: !leavesSchema(lib, expression) });
      }
    }
  });
  return result;
}

type Expr = { PLpgSQL_expr?: { query?: string } };

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
      if (SCHEMA_NEUTRAL.has(type)) return true;
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
    for (const item of value) walk(item, guarded, conditional, visit);
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

/** Parses one embedded SQL text into statements placed at `start` characters into the DO statement. */
function innerStatements(
  lib: NonNullable<ReturnType<typeof loadedPostgresParser>>,
  text: string,
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
    const sql = text.slice(from, to).trim();
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
