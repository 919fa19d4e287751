/**
 * SQLite's column affinity from a declared type, by the five rules of https://sqlite.org/datatype3.html §3.1,
 * in their order: INT → INTEGER; CHAR, CLOB, TEXT → TEXT; BLOB or no type → BLOB; REAL, FLOA, DOUB → REAL;
 * anything else → NUMERIC.
 */

export type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC';

export function affinityOf(declaredType: string): Affinity {
  const type = declaredType.toUpperCase();
  if (type.includes('INT')) return 'INTEGER';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'TEXT';
  if (type.includes('BLOB') || type.trim() === '') return 'BLOB';
  if (/REAL|FLOA|DOUB/.test(type)) return 'REAL';
  return 'NUMERIC';
}

/** Names whose NUMERIC affinity is what the author meant. */
const MEANT_NUMERIC = /^(?:NUMERIC|DECIMAL|NUMBER|MONEY)\b/i;
/** Names that mean a date or time: NUMERIC affinity, stored as whatever was inserted. */
const DATE_TIME = /^(?:DATE|DATETIME|TIMESTAMP|TIME)\b/i;

/** What is surprising about a column's declared type in a table that is not STRICT, if anything. */
export function affinitySurprise(declaredType: string): string | undefined {
  const type = declaredType.trim();
  if (type === '') return undefined;
  const affinity = affinityOf(type);
  const length =
    /^(?:N?VAR)?CHAR(?:ACTER)?(?:\s+VARYING)?\s*\(\s*(\d+)/i.exec(type) ?? /^N?VARCHAR\s*\(\s*(\d+)/i.exec(type);
  if (length)
    return `${type} does not limit the length: SQLite stores text of any length in it (TEXT affinity); a CHECK (length(col) <= ${length[1]}) does`;
  if (/^BOOL(?:EAN)?$/i.test(type))
    return `${type} is NUMERIC affinity: SQLite has no boolean type, 'true' or 'yes' is stored as text next to 0 and 1`;
  if (DATE_TIME.test(type))
    return `${type} is NUMERIC affinity: a date written as text stays text, but '20240101' becomes the integer 20240101`;
  if (affinity === 'NUMERIC' && !MEANT_NUMERIC.test(type))
    return `${type} is not a type SQLite knows: it gets NUMERIC affinity, so text that looks like a number is converted ('0123' becomes 123)`;
  if (affinity === 'INTEGER' && !/^(?:TINY|SMALL|MEDIUM|BIG|UNSIGNED\s+BIG\s+)?INT(?:EGER)?\d*\b/i.test(type))
    return `${type} contains "INT": it gets INTEGER affinity ('1.0' is stored as 1)`;
  return undefined;
}
