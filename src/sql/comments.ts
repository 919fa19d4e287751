import type { Span } from '../model.js';
import { byteToCharOffsets, LineIndex } from './positions.js';
import { loadPostgresParser } from './postgres.js';

/** A comment in PostgreSQL text (`-- …` or `/* … *\/`), with its exact place. */
export interface SqlComment {
  /** The comment text without its markers, trimmed. */
  text: string;
  /** Character offset of `text` in the SQL. */
  textOffset: number;
  offset: { start: number; end: number };
  span: Span;
}

/**
 * The comments of a PostgreSQL text, found by the server's own scanner (so `--` inside strings, `$$` bodies
 * and identifiers is not a comment). The text must be scannable; callers parse it first.
 */
export async function extractComments(sql: string): Promise<SqlComment[]> {
  const lib = await loadPostgresParser();
  const scanned = lib.scanSync(sql);
  const toChar = byteToCharOffsets(sql);
  const lines = new LineIndex(sql);
  const comments: SqlComment[] = [];
  for (const token of scanned.tokens) {
    if (token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT') continue;
    const start = toChar(token.start);
    const end = toChar(token.end);
    const raw = sql.slice(start, end);
    const inner = token.tokenName === 'SQL_COMMENT' ? raw.slice(2) : raw.slice(2, raw.endsWith('*/') ? -2 : undefined);
    const text = inner.trim();
    comments.push({
      text,
      textOffset: start + 2 + (inner.length - inner.trimStart().length),
      offset: { start, end },
      span: { start: lines.position(start), end: lines.position(end) },
    });
  }
  return comments;
}
