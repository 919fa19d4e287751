import { QUOTED_KEYWORDS } from '../../engines/postgresql/identifiers.js';

/**
 * The planner's PostgreSQL SQL for the forms Prisma never writes itself (CONCURRENTLY, NOT VALID, VALIDATE, a
 * backfill's UPDATE…) in the style of the rest of migration.sql: every identifier double-quoted, type names in
 * Prisma's upper case, `"table"("column")` without a space. Keywords the planner writes are upper case already;
 * lower-case words that are not identifiers (keywords inside a caller's expression, function calls, literals) stay.
 * Statements with a procedural body (DO, $$) and session settings are left as written.
 */

const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|::|[A-Za-z_][\w$]*|\s+|[\s\S]/g;

/** Lower-case words that are not identifiers although PostgreSQL does not reserve them. */
const KEEP = new Set(['nulls', 'first', 'last', 'excluded']);

const METHODS = new Set(['btree', 'hash', 'gin', 'gist', 'spgist', 'brin']);

/** The types the planner writes lower case, with Prisma's spelling. */
const TYPES: Record<string, string> = {
  serial: 'SERIAL',
  bigserial: 'BIGSERIAL',
  smallserial: 'SMALLSERIAL',
  int: 'INTEGER',
  int4: 'INTEGER',
  integer: 'INTEGER',
  int8: 'BIGINT',
  bigint: 'BIGINT',
  int2: 'SMALLINT',
  smallint: 'SMALLINT',
  text: 'TEXT',
  varchar: 'VARCHAR',
  char: 'CHAR',
  boolean: 'BOOLEAN',
  bool: 'BOOLEAN',
  real: 'REAL',
  float4: 'REAL',
  float8: 'DOUBLE PRECISION',
  numeric: 'DECIMAL',
  decimal: 'DECIMAL',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  uuid: 'UUID',
  json: 'JSON',
  jsonb: 'JSONB',
  bytea: 'BYTEA',
  inet: 'INET',
  citext: 'CITEXT',
};

const PROCEDURAL = /\$\$|^\s*(DO|CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)|CALL)\b|^\s*(RE)?SET\s/i;

export function prismaStyle(statement: string): string {
  if (PROCEDURAL.test(statement)) return statement;
  const tokens = statement.match(TOKEN) ?? [];
  const significant = (from: number, step: 1 | -1) => {
    for (let index = from + step; index >= 0 && index < tokens.length; index += step)
      if (!/^\s+$/.test(tokens[index]!)) return tokens[index];
    return undefined;
  };
  const out = tokens.map((token, index) => {
    if (!/^[A-Za-z_]/.test(token) || !/[a-z]/.test(token)) return token;
    const before = significant(index, -1);
    const after = tokens[index + 1];
    const type = TYPES[token.toLowerCase()];
    // Right after a column's name, after TYPE or a cast: a type name.
    const typePlace = before === '::' || before === 'TYPE' || (before?.startsWith('"') ?? false);
    // A type Prisma has no spelling for (interval, tsvector…) stays as written: quoting could change its meaning.
    if (typePlace) return type ?? token;
    if (before === 'USING' && METHODS.has(token.toLowerCase())) return token.toUpperCase();
    if (after === '(' || QUOTED_KEYWORDS.has(token.toLowerCase()) || KEEP.has(token.toLowerCase())) return token;
    return `"${token}"`;
  });
  // Prisma writes a column list straight after the table's name: ON "User"("email"), REFERENCES "User"("id").
  return out.join('').replace(/\b(ON|REFERENCES)\s+("(?:[^"]|"")*")\s+\(/g, '$1 $2(');
}
