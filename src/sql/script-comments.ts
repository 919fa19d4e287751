import type { SqlComment } from './comments.js';
import { LineIndex } from './positions.js';
import { type SplitDialect, skipQuoted } from './split.js';

/**
 * The comments of a MySQL/MariaDB or SQLite script (`-- …`, `/* … *\/`, and `# …` in MySQL), skipping quoted
 * strings and identifiers — what ignore directives are read from on engines without the PostgreSQL scanner.
 */
export function scriptComments(sql: string, dialect: SplitDialect): SqlComment[] {
  const lines = new LineIndex(sql);
  const comments: SqlComment[] = [];
  const push = (start: number, end: number, textStart: number, textEnd: number) => {
    const raw = sql.slice(textStart, textEnd);
    const leading = raw.length - raw.trimStart().length;
    comments.push({
      text: raw.trim(),
      textOffset: textStart + leading,
      offset: { start, end },
      span: { start: lines.position(start), end: lines.position(end) },
    });
  };
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    if (char === "'" || char === '"' || char === '`') {
      i = skipQuoted(sql, i, char, dialect === 'mysql');
    } else if ((char === '-' && sql[i + 1] === '-') || (char === '#' && dialect === 'mysql')) {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 ? sql.length : newline;
      push(i, end, i + (char === '#' ? 1 : 2), end);
      i = end;
    } else if (char === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      push(i, end, i + 2, close === -1 ? end : close);
      i = end;
    } else i++;
  }
  return comments;
}
