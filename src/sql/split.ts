import type { Statement } from '../model.js';
import { LineIndex } from './positions.js';

/**
 * Splits MySQL/MariaDB and SQLite script text into statements without a parser: quotes, comments,
 * MySQL `DELIMITER` lines, BEGIN…END bodies of triggers/procedures (whose inner semicolons do not end the
 * statement) and PostgreSQL-style dollar quotes for generic text. PostgreSQL text goes through
 * parsePostgres instead (src/sql/postgres.ts), which knows the real grammar.
 */
export type SplitDialect = 'mysql' | 'sqlite' | 'generic';

export function splitSql(sql: string, dialect: SplitDialect): Statement[] {
  const lines = new LineIndex(sql);
  const statements: Statement[] = [];
  let delimiter = ';';
  let start = 0;
  let i = 0;
  let blockDepth = 0;
  let routine = false;
  const push = (end: number) => {
    const range = trimRange(sql, start, end, delimiter);
    if (range) {
      statements.push({
        sql: sql.slice(range.start, range.end),
        span: { start: lines.position(range.start), end: lines.position(range.end) },
        offset: range,
      });
    }
  };
  while (i < sql.length) {
    const char = sql[i] ?? '';
    // Cheapest test first: whether the statement so far is blank costs its length, so it is asked last.
    if (
      dialect === 'mysql' &&
      (char === 'd' || char === 'D') &&
      /^delimiter[ \t]/i.test(sql.slice(i, i + 10)) &&
      atLineStart(sql, i) &&
      isBlank(sql, start, i)
    ) {
      const lineEnd = sql.indexOf('\n', i);
      const stop = lineEnd === -1 ? sql.length : lineEnd;
      delimiter = sql.slice(i + 10, stop).trim() || ';';
      i = stop;
      start = stop;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      i = skipQuoted(sql, i, char, dialect === 'mysql');
      continue;
    }
    if (char === '-' && sql[i + 1] === '-') {
      i = skipLine(sql, i);
      continue;
    }
    if (char === '#' && dialect === 'mysql') {
      i = skipLine(sql, i);
      continue;
    }
    if (char === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
      continue;
    }
    if (char === '$' && dialect !== 'mysql') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? sql.length : close + tag[0].length;
        continue;
      }
    }
    if (isWordStart(sql.charCodeAt(i)) && !(i > 0 && isWordPart(sql.charCodeAt(i - 1)))) {
      const word = sql.slice(i, wordEnd(sql, i));
      const upper = word.toUpperCase();
      if (delimiter === ';') {
        // The head can only start matching at the routine's keyword: asking at every word was quadratic.
        if (!routine && ROUTINE_KEYWORD.test(upper) && isRoutineStart(sql.slice(start, i + word.length)))
          routine = true;
        if (routine) {
          if (upper === 'BEGIN' || (upper === 'CASE' && blockDepth > 0)) blockDepth++;
          else if (
            upper === 'END' &&
            blockDepth > 0 &&
            !/^END\s+(IF|LOOP|WHILE|REPEAT)\b/i.test(sql.slice(i, i + 12))
          ) {
            blockDepth--;
          }
        }
      }
      i += word.length;
      continue;
    }
    if (sql.startsWith(delimiter, i) && (delimiter !== ';' || blockDepth === 0)) {
      push(i);
      i += delimiter.length;
      start = i;
      routine = false;
      blockDepth = 0;
      continue;
    }
    i++;
  }
  push(sql.length);
  return statements;
}

const ROUTINE_KEYWORD = /^(TRIGGER|PROCEDURE|FUNCTION|EVENT)/;

/** A-Z, a-z or _ (character codes: a regular expression per character was most of the splitter's time). */
function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** A word character after the first: also 0-9 and $. */
function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

/** End of the word starting at `start`, at most 64 characters long. */
function wordEnd(sql: string, start: number): number {
  const limit = Math.min(sql.length, start + 64);
  let end = start + 1;
  while (end < limit && isWordPart(sql.charCodeAt(end))) end++;
  return end;
}

/** CREATE TRIGGER / PROCEDURE / FUNCTION / EVENT bodies may hold BEGIN…END with inner semicolons. */
function isRoutineStart(head: string): boolean {
  const text = stripLeadingComments(head);
  return /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TRIGGER|PROCEDURE|FUNCTION|EVENT)\b/i.test(
    text,
  );
}

function stripLeadingComments(text: string): string {
  let rest = text.trimStart();
  for (;;) {
    if (rest.startsWith('--') || rest.startsWith('#')) {
      const newline = rest.indexOf('\n');
      rest = newline === -1 ? '' : rest.slice(newline + 1).trimStart();
    } else if (rest.startsWith('/*')) {
      const close = rest.indexOf('*/');
      rest = close === -1 ? '' : rest.slice(close + 2).trimStart();
    } else return rest;
  }
}

export function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
      continue;
    }
    if (char === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function skipLine(sql: string, start: number): number {
  const newline = sql.indexOf('\n', start);
  return newline === -1 ? sql.length : newline + 1;
}

function isBlank(sql: string, from: number, to: number): boolean {
  return stripLeadingComments(sql.slice(from, to)) === '';
}

function atLineStart(sql: string, index: number): boolean {
  const lineStart = sql.lastIndexOf('\n', index - 1) + 1;
  return sql.slice(lineStart, index).trim() === '';
}

/** The statement without surrounding whitespace, leading comments and its terminator. */
function trimRange(
  sql: string,
  from: number,
  to: number,
  delimiter: string,
): { start: number; end: number } | undefined {
  let start = from;
  for (;;) {
    while (start < to && /\s/.test(sql[start] ?? '')) start++;
    if (sql.startsWith('--', start) || sql[start] === '#') {
      const newline = sql.indexOf('\n', start);
      start = newline === -1 || newline > to ? to : newline + 1;
    } else if (sql.startsWith('/*', start)) {
      const close = sql.indexOf('*/', start + 2);
      start = close === -1 || close + 2 > to ? to : close + 2;
    } else break;
  }
  let end = to;
  while (end > start && /\s/.test(sql[end - 1] ?? '')) end--;
  while (end > start && sql.slice(end - delimiter.length, end) === delimiter) {
    end -= delimiter.length;
    while (end > start && /\s/.test(sql[end - 1] ?? '')) end--;
  }
  while (end > start && sql[end - 1] === ';') end--;
  return start < end ? { start, end } : undefined;
}
