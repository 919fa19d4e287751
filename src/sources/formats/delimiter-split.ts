import type { Statement } from '../../model.js';
import { lineColumnAt } from '../../project/parse.js';

/**
 * Splits on a custom statement delimiter (Atlas `-- atlas:delimiter`, Liquibase `endDelimiter`): statements are
 * the text between delimiters, with spans in `text`. A delimiter alone on its line (`/`, `GO`) matches only
 * there, so a `/` inside an expression does not split.
 */
export function splitOnDelimiter(text: string, delimiter: string): Statement[] {
  const statements: Statement[] = [];
  const ownLine = /^\w+$|^\/$/.test(delimiter);
  const pattern = ownLine
    ? new RegExp(`^[ \\t]*${escapeRegExp(delimiter)}[ \\t]*$`, 'gim')
    : new RegExp(escapeRegExp(delimiter), 'g');
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const leading = raw.length - raw.trimStart().length;
    // Statements carry no trailing semicolon, as the splitters for `;` return them.
    const sql = raw.trim().replace(/;+$/, '').trimEnd();
    if (sql && !/^(\s*--[^\n]*(\n|$))*\s*$/.test(sql)) {
      const from = start + leading;
      statements.push({
        sql,
        span: { start: lineColumnAt(text, from), end: lineColumnAt(text, from + sql.length) },
        offset: { start: from, end: from + sql.length },
      });
    }
  };
  for (const match of text.matchAll(pattern)) {
    push(match.index);
    start = match.index + match[0].length;
  }
  push(text.length);
  return statements;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
