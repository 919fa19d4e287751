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
    const atStatementStart = isBlank(sql, start, i);
    if (
      dialect === 'mysql' &&
      atStatementStart &&
      /^delimiter[ \t]/i.test(sql.slice(i, i + 10)) &&
      atLineStart(sql, i)
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
    if (/[A-Za-z_]/.test(char) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 64))?.[0] ?? char;
      const upper = word.toUpperCase();
      if (delimiter === ';') {
        if (!routine && isRoutineStart(sql.slice(start, i + word.length))) routine = true;
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
