import { QUOTED_KEYWORDS } from '../../engines/postgresql/identifiers.js';
import { loadedPostgresParser } from '../../sql/postgres.js';

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

/** Words that continue a type name after its first word. */
const TYPE_TAIL = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone']);

/** Marks the words after a type's first word that still belong to it, across `(3)` and `[]`. */
function markTypeTail(tokens: string[], first: number, typeWords: Set<number>): void {
  for (let index = first + 1; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (/^\s+$/.test(token) || /^[()[\],\d]$/.test(token) || /^\d+$/.test(token)) continue;
    if (!TYPE_TAIL.has(token.toLowerCase())) return;
    typeWords.add(index);
  }
}

const PROCEDURAL = /\$\$|^\s*(DO|CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)|CALL)\b|^\s*(RE)?SET\s/i;

/**
 * The statement in Prisma's style when the parser (loaded by generate) reads it as the same statement; otherwise,
 * or without the parser, as written: a word this token-level restyling misjudged must never change the SQL.
 */
export function prismaStyle(statement: string): string {
  if (PROCEDURAL.test(statement)) return statement;
  const parser = loadedPostgresParser();
  if (!parser) return statement;
  const styled = restyle(statement);
  return styled === statement || sameTree(parser, statement, styled) ? styled : statement;
}

function sameTree(parser: PostgresParser, original: string, styled: string): boolean {
  try {
    return treeKey(parser.parseSync(original)) === treeKey(parser.parseSync(styled));
  } catch {
    return false;
  }
}

type PostgresParser = NonNullable<ReturnType<typeof loadedPostgresParser>>;

/** A parse tree without positions, with `pg_catalog.int4` and `int4` alike (INTEGER and int4 are one type). */
function treeKey(tree: unknown): string {
  return JSON.stringify(tree, (key, value) => {
    if (key === 'location' || key === 'stmt_location' || key === 'stmt_len') return undefined;
    if (key === 'names' && Array.isArray(value) && value[0]?.String?.sval === 'pg_catalog') return value.slice(1);
    return value;
  });
}

function restyle(statement: string): string {
  const tokens = statement.match(TOKEN) ?? [];
  const significant = (from: number, step: 1 | -1) => {
    for (let index = from + step; index >= 0 && index < tokens.length; index += step)
      if (!/^\s+$/.test(tokens[index]!)) return tokens[index];
    return undefined;
  };
  const typeWords = new Set<number>();
  const out = tokens.map((token, index) => {
    if (!/^[A-Za-z_]/.test(token) || !/[a-z]/.test(token)) return token;
    const before = significant(index, -1);
    const after = tokens[index + 1];
    const type = TYPES[token.toLowerCase()];
    // Right after a column's name, after TYPE or a cast: a type name.
    const typePlace = before === '::' || before === 'TYPE' || (before?.startsWith('"') ?? false);
    if (typePlace) markTypeTail(tokens, index, typeWords);
    // The rest of a type of several words (character varying, double precision, timestamp(3) with time zone).
    if (typeWords.has(index)) return token;
    // A type Prisma has no spelling for (interval, tsvector…) stays as written: quoting could change its meaning.
    if (typePlace) return type ?? token;
    if (before === 'USING' && METHODS.has(token.toLowerCase())) return token.toUpperCase();
    if (after === '(' || QUOTED_KEYWORDS.has(token.toLowerCase()) || KEEP.has(token.toLowerCase())) return token;
    return `"${token}"`;
  });
  // Prisma writes a column list straight after the table's name: ON "User"("email"), REFERENCES "User"("id").
  return out.join('').replace(/\b(ON|REFERENCES)\s+("(?:[^"]|"")*")\s+\(/g, '$1 $2(');
}
