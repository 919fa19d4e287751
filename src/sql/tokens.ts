import { blockCommentEnd } from './block-comment.js';
/**
 * A small PostgreSQL lexer for ASCII statement text, for the rules' fix builders: they only need token
 * boundaries (to cut a type name, a DEFAULT expression or a CHECK body out of a statement) and which tokens
 * are bare words. Calling the WebAssembly scanner for that costs ~30 µs per statement; this costs a few.
 * Text with non-ASCII characters returns undefined, and the caller uses the real scanner (whose offsets are
 * UTF-8 bytes: for ASCII text, bytes and characters are the same).
 */

export interface LexToken {
  start: number;
  end: number;
  /** 'NO_KEYWORD' for anything but a bare word (the real scanner names the keyword kind; callers only compare). */
  keywordName: string;
}

const BARE_WORD = 'WORD';

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|`?:'.split('').map((char) => char.charCodeAt(0)));

/** Tokens of `sql`, or undefined when it holds non-ASCII text or something this lexer does not know. */
export function lexAscii(sql: string): LexToken[] | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for the ASCII range on purpose
  if (!/^[\x00-\x7f]*$/.test(sql)) return undefined;
  const tokens: LexToken[] = [];
  const length = sql.length;
  let i = 0;
  while (i < length) {
    const code = sql.charCodeAt(i);
    if (code > 127) return undefined;
    if (code === 32 || (code >= 9 && code <= 13)) {
      i++;
      continue;
    }
    const start = i;
    if (code === 45 && sql.charCodeAt(i + 1) === 45) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? length : newline + 1;
      continue;
    }
    if (code === 47 && sql.charCodeAt(i + 1) === 42) {
      i = blockCommentEnd(sql, i, length);
      continue;
    }
    if (isWordStart(code)) {
      // E'…' / B'…' / X'…' / U&'…' strings start with a letter.
      const next = sql.charCodeAt(i + 1);
      if (next === 39 && /[eEbBxXnN]/.test(sql[i] ?? '')) {
        i = quoted(sql, i + 2, 39, (code | 32) === 101);
      } else if ((code | 32) === 117 && next === 38 && (sql.charCodeAt(i + 2) === 39 || sql.charCodeAt(i + 2) === 34)) {
        i = quoted(sql, i + 3, sql.charCodeAt(i + 2), false);
      } else {
        while (i < length && isWordPart(sql.charCodeAt(i))) i++;
        tokens.push({ start, end: i, keywordName: BARE_WORD });
        continue;
      }
      tokens.push({ start, end: i, keywordName: 'NO_KEYWORD' });
      continue;
    }
    if (code === 39 || code === 34) {
      i = quoted(sql, i + 1, code, false);
    } else if (code === 36) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? length : close + tag[0].length;
      } else if (isDigit(sql.charCodeAt(i + 1))) {
        i++;
        while (i < length && isDigit(sql.charCodeAt(i))) i++;
      } else return undefined;
    } else if (isDigit(code) || (code === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      while (i < length && (isWordPart(sql.charCodeAt(i)) || sql.charCodeAt(i) === 46)) {
        // 1.5e-3: a sign right after the exponent belongs to the number.
        const exponent = (sql.charCodeAt(i) | 32) === 101 && !/[xXoObB]/.test(sql[start + 1] ?? '');
        i++;
        if (exponent && (sql.charCodeAt(i) === 43 || sql.charCodeAt(i) === 45)) i++;
      }
    } else if (OPERATOR_CHARS.has(code)) {
      while (
        i < length &&
        OPERATOR_CHARS.has(sql.charCodeAt(i)) &&
        !(sql.charCodeAt(i) === 45 && sql.charCodeAt(i + 1) === 45) &&
        !(sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42)
      )
        i++;
    } else {
      // ( ) [ ] , ; . and anything else: one character each.
      i++;
    }
    tokens.push({ start, end: i, keywordName: 'NO_KEYWORD' });
  }
  return tokens;
}

/** Index after the closing quote; a doubled quote is an escaped quote; backslash escapes in E'' strings. */
function quoted(sql: string, from: number, quote: number, backslashEscapes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (backslashEscapes && code === 92) {
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
