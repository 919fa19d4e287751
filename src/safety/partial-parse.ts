import { UserError } from '../errors.js';
import { LineIndex } from '../sql/positions.js';
import { type PgStatement, parsePostgres } from '../sql/postgres.js';
import { splitSql } from '../sql/split.js';

/**
 * A file with a syntax error is still checked up to the statement that fails to parse: the statements before it
 * are yielded, and the error is kept for the report ("not fully checked"), never a silent "LOW".
 */

/** Where a file stopped being checked, and why (the syntax error as the caller shows it). */
export interface NotFullyChecked {
  code: string;
  what: string;
  fix: string;
  /** Where the syntax error is. */
  line: number;
  column: number;
  /** The first line that was not checked: where the statement that fails to parse starts. */
  uncheckedFrom: number;
}

/**
 * Yields the batches of `batches`; on a syntax error, also the statements between the last batch and the
 * failing statement, then stops and hands the error to `stopped`.
 */
export async function* untilSyntaxError(
  sql: string,
  file: string | undefined,
  batches: Iterable<PgStatement[]> | AsyncIterable<PgStatement[]>,
  stopped: (error: NotFullyChecked) => void,
): AsyncGenerator<PgStatement[]> {
  let checkedUpTo = 0;
  try {
    for await (const batch of batches) {
      checkedUpTo = batch[batch.length - 1]?.offset.end ?? checkedUpTo;
      yield batch;
    }
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'sql-syntax' || error.where?.line === undefined) throw error;
    const lines = new LineIndex(sql);
    const errorOffset = offsetOf(sql, error.where.line, error.where.column ?? 1);
    const failingStart = Math.max(checkedUpTo, startOfFailingStatement(sql, errorOffset));
    const before = await statementsBefore(sql, failingStart, file);
    const rest = before.filter((statement) => statement.offset.start >= checkedUpTo);
    if (rest.length > 0) yield rest;
    stopped({
      code: error.code,
      what: error.what,
      fix: error.fix,
      line: error.where.line,
      column: error.where.column ?? 1,
      uncheckedFrom: lines.position(failingStart).line,
    });
  }
}

/** The start of the statement the error offset is in (the generic splitter, which never fails). */
function startOfFailingStatement(sql: string, errorOffset: number): number {
  const head = sql.slice(0, errorOffset);
  const statements = splitSql(head, 'generic');
  const last = statements[statements.length - 1];
  if (!last) return errorOffset;
  const terminated = head.slice(last.offset.end).includes(';');
  return terminated ? errorOffset : last.offset.start;
}

async function statementsBefore(sql: string, end: number, file: string | undefined): Promise<PgStatement[]> {
  try {
    return await parsePostgres(sql.slice(0, end), file);
  } catch {
    // The splitter and the parser disagree on where the statement starts: nothing more is claimed as checked.
    return [];
  }
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) return text.length;
    offset = newline + 1;
  }
  return Math.min(text.length, offset + column - 1);
}
