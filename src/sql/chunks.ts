import { blockCommentEnd } from './block-comment.js';
/**
 * Cut points for parsing a large PostgreSQL text in pieces. libpg_query runs in WebAssembly, whose memory only
 * grows: parsing a 50,000-statement file at once leaves ~200 MB reserved for the life of the process, so a text
 * over PIECES_ABOVE_CHARS is parsed in pieces of about CHUNK_CHARS. A piece's parse result (libpg_query's JSON
 * text, about 8 times the size of its SQL, and the trees parsed from it) lives until its statements are checked:
 * 16 KB pieces keep that text near V8's large-object size (128 KB), where 64 KB pieces made ~500 KB texts that
 * only a full collection frees. Measured on the 50,000-statement bench file (with the former parser thread):
 * 25 MB less peak memory than 64 KB pieces, the same time (8 KB pieces: the same as 16 KB).
 *
 * A cut is placed only after a `;` outside quotes, quoted identifiers, dollar quotes and comments; the one
 * construct a lexer cannot see — a `BEGIN ATOMIC … END` function body — makes the piece fail to parse, and the
 * caller then joins it with the next piece (see parsePostgres).
 */
export const CHUNK_CHARS = 16 * 1024;

/** Texts up to this size are parsed whole: a migration of a few hundred statements. */
export const PIECES_ABOVE_CHARS = 128 * 1024;

/** Character offsets just after top-level semicolons, about every `target` characters (none for short text). */
export function chunkBoundaries(sql: string, target = CHUNK_CHARS): number[] {
  const cuts: number[] = [];
  if (sql.length <= PIECES_ABOVE_CHARS) return cuts;
  let next = target;
  let i = 0;
  const length = sql.length;
  // Inside `BEGIN ATOMIC … END` no `;` is a statement end until one follows an END keyword.
  let atomic = false;
  let afterEnd = false;
  while (i < length) {
    const char = sql.charCodeAt(i);
    if (char === 59 /* ; */) {
      i++;
      if (atomic && !afterEnd) continue;
      atomic = false;
      if (i >= next && i < length - 1) {
        cuts.push(i);
        next = i + target;
      }
      continue;
    }
    if (
      (char | 32) === 97 /* a */ &&
      !isIdentifierChar(sql.charCodeAt(i - 1)) &&
      /^atomic\b/i.test(sql.slice(i, i + 7)) &&
      /\bbegin\s+$/i.test(sql.slice(Math.max(0, i - 16), i))
    ) {
      atomic = true;
      afterEnd = false;
      i += 6;
      continue;
    }
    if (
      atomic &&
      (char | 32) === 101 /* e */ &&
      !isIdentifierChar(sql.charCodeAt(i - 1)) &&
      /^end\b/i.test(sql.slice(i, i + 4))
    ) {
      afterEnd = true;
      i += 3;
      continue;
    }
    if (atomic && afterEnd && char > 32) afterEnd = false;
    if (char === 39 /* ' */) {
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentifierChar(sql.charCodeAt(i - 2));
      i = skipQuoted(sql, i + 1, 39, escapes);
      continue;
    }
    if (char === 34 /* " */) {
      i = skipQuoted(sql, i + 1, 34, false);
      continue;
    }
    if (char === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? length : newline + 1;
      continue;
    }
    if (char === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      i = blockCommentEnd(sql, i);
      continue;
    }
    if (char === 36 /* $ */ && !isIdentifierChar(sql.charCodeAt(i - 1))) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? length : close + tag[0].length;
        continue;
      }
    }
    i++;
  }
  return cuts;
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    code > 127
  );
}

/** Index after the closing quote; a doubled quote is an escaped quote; backslash escapes in E'' strings. */
function skipQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  let i = start;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (backslashEscapes && code === 92 /* \ */) {
      i += 2;
      continue;
    }
    if (code === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
