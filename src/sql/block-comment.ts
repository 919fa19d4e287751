/**
 * The offset just after the block comment that starts at `start` (`/*`), or `end` when it is not closed before
 * it. PostgreSQL's block comments nest: `/* a /* b *\/ c *\/` is one comment.
 */
export function blockCommentEnd(sql: string, start: number, end = sql.length): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return end;
}
