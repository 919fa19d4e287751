import type { Node, ParseResult, RawStmt } from 'libpg-query';
import { UserError } from '../errors.js';
import type { Statement } from '../model.js';
import { byteToCharOffsets, LineIndex } from './positions.js';

/**
 * The one door to the PostgreSQL parser. libpg-query (libpg_query compiled to WASM, PostgreSQL 18 grammar)
 * replaced pg-query-emscripten, which leaks memory per parse and dies after ~920 parses in one process;
 * see the README. The module is loaded once, lazily, and serves the whole process lifetime.
 */

type LibPgQuery = typeof import('libpg-query');
let loading: Promise<LibPgQuery> | undefined;

export function loadPostgresParser(): Promise<LibPgQuery> {
  loading ??= (async () => {
    const lib = await import('libpg-query');
    await lib.loadModule();
    return lib;
  })();
  return loading;
}

/** A statement with its parse tree. */
export interface PgStatement extends Statement {
  /** The parse tree node, e.g. `{ AlterTableStmt: {...} }`. */
  ast: Node;
}

/**
 * Splits PostgreSQL text into statements with exact positions and their parse trees.
 * A syntax error becomes a UserError at file:line:col with the offending line.
 */
export async function parsePostgres(sql: string, file?: string): Promise<PgStatement[]> {
  const lib = await loadPostgresParser();
  let result: ParseResult;
  try {
    result = lib.parseSync(sql);
  } catch (error) {
    throw syntaxError(sql, error, file);
  }
  const toChar = byteToCharOffsets(sql);
  const lines = new LineIndex(sql);
  const statements: PgStatement[] = [];
  for (const raw of result.stmts ?? []) {
    const located = locate(sql, raw, toChar);
    if (!located || !raw.stmt) continue;
    statements.push({
      sql: sql.slice(located.start, located.end),
      span: { start: lines.position(located.start), end: lines.position(located.end) },
      offset: located,
      ast: raw.stmt,
    });
  }
  return statements;
}

/** Trims the leading whitespace and comments libpg_query includes in a statement's range. */
function locate(
  sql: string,
  raw: RawStmt,
  toChar: (byte: number) => number,
): { start: number; end: number } | undefined {
  const startByte = raw.stmt_location ?? 0;
  const start = toChar(startByte);
  const end = raw.stmt_len ? toChar(startByte + raw.stmt_len) : sql.length;
  let cursor = start;
  for (;;) {
    while (cursor < end && /\s/.test(sql[cursor] ?? '')) cursor++;
    if (sql.startsWith('--', cursor)) {
      const newline = sql.indexOf('\n', cursor);
      cursor = newline === -1 || newline > end ? end : newline + 1;
    } else if (sql.startsWith('/*', cursor)) {
      cursor = skipBlockComment(sql, cursor, end);
    } else break;
  }
  let stop = end;
  while (stop > cursor && /[\s;]/.test(sql[stop - 1] ?? '')) stop--;
  return cursor < stop ? { start: cursor, end: stop } : undefined;
}

function skipBlockComment(sql: string, start: number, end: number): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return end;
}

function syntaxError(sql: string, error: unknown, file?: string): UserError {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : String(error));
  const lines = new LineIndex(sql);
  const offset = Math.max(0, Math.min(sql.length, byteToCharOffsets(sql)(details?.cursorPosition ?? 0)));
  const position = lines.position(offset);
  const lineText = lines.lineText(position.line);
  const marker = `${' '.repeat(Math.max(0, position.column - 1))}^`;
  return new UserError(
    'sql-syntax',
    `PostgreSQL syntax error: ${message}\n    ${lineText}\n    ${marker}`,
    'Correct the SQL at that position; the statement must parse with the PostgreSQL 18 grammar.',
    { ...(file ? { file } : {}), line: position.line, column: position.column },
  );
}
