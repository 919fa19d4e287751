import type { Position } from '../model.js';
import { type ParserDialect, parseStatement } from './sql-parser.js';

/**
 * What the DDL engines need of node-sql-parser for a statement: whether it parses (or where it stops) and, for
 * UPDATE / DELETE, whether it has a WHERE. The pure-JS parser costs about a millisecond a statement, and a
 * migration repeats shapes (seed INSERTs, one ALTER per table): statements that differ only in digits and in the
 * contents of quoted strings and identifiers share a verdict, kept per shape. Masking keeps every length, so a
 * cached stopping position is the same in each statement of the shape; only the first one is parsed, as written.
 */

export type ParseVerdict = { hasWhere: boolean } | { error: { message: string; position: Position } };

const MAX_SHAPES = 20_000;
const verdicts = new Map<string, ParseVerdict>();

export function parseVerdict(sql: string, dialect: ParserDialect): ParseVerdict {
  // A comment can hold an unmatched quote that would mask real code: such statements are parsed every time.
  if (/--|#|\/\*/.test(sql)) return verdictOf(parseStatement(sql, dialect));
  const key = `${dialect}\u0000${shapeOf(sql)}`;
  const known = verdicts.get(key);
  if (known) return 'error' in known ? { error: { ...known.error, message: foundAt(known.error, sql) } } : known;
  const verdict = verdictOf(parseStatement(sql, dialect));
  if (verdicts.size >= MAX_SHAPES) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

function verdictOf(parsed: ReturnType<typeof parseStatement>): ParseVerdict {
  return 'ast' in parsed ? { hasWhere: parsed.ast.where != null } : parsed;
}

/** Digits → 0, quoted strings' and identifiers' contents → x, lengths kept. */
function shapeOf(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`/g, (quoted) =>
      quoted.length > 2 ? `${quoted[0]}${'x'.repeat(quoted.length - 2)}${quoted[0]}` : quoted,
    )
    .replace(/\d/g, '0');
}

/** The parser's `but "…" found` names a character of the statement first parsed: say this statement's. */
function foundAt(error: { message: string; position: Position }, sql: string): string {
  const line = sql.split('\n')[error.position.line - 1] ?? '';
  const char = line[error.position.column - 1];
  return error.message.replace(
    /but "(?:[^"\\]|\\.)*" found$/,
    char === undefined ? 'but end of input found' : `but ${JSON.stringify(char)} found`,
  );
}
