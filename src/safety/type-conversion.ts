import type { CatalogView, IndexInfo } from './types.js';

/**
 * Whether ALTER COLUMN … TYPE rewrites the table: PostgreSQL keeps the table (and its relfilenode) when the old
 * type converts to the new one by a binary-coercible cast and any typmod change only widens what fits. The lock map
 * (locks.ts) and column-type-change both ask here, so a lock claim and a finding never disagree.
 */

/**
 * `binary`: no rewrite. `utc-only`: timestamp ↔ timestamptz, no rewrite on PG 12+ in a UTC session. `reindex`: the
 * rows are kept but the column's indexes are rebuilt (another operator class: text → citext).
 */
export type Conversion = 'binary' | 'utc-only' | 'reindex' | 'rewrite';

interface ParsedType {
  base: string;
  mods: number[];
  array: boolean;
}

const ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  int: 'int4',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  decimal: 'numeric',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
  // A serial column is its integer type with a sequence default: ALTER … TYPE bigint of a bigserial changes nothing.
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
};

/** Types the citext extension casts to citext WITHOUT FUNCTION (citext to each of them too, but varchar(n)). */
const CITEXT_BINARY = new Set(['text', 'varchar']);

/** Types whose typmod is a precision PostgreSQL can raise without touching stored values. */
const PRECISION_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/** `varchar(20)`, `numeric(10,2)`, `text[]`: a type as the catalog records it or the AST spells it. */
function parseType(text: string): ParsedType {
  const array = text.endsWith('[]');
  const body = array ? text.slice(0, -2) : text;
  const match = /^([^(]+?)\s*(?:\(([^)]*)\))?$/.exec(body.trim());
  const base = (match?.[1] ?? body).trim().toLowerCase();
  const mods = (match?.[2] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
  return { base: ALIASES[base] ?? base, mods, array };
}

function step(from: ParsedType, to: ParsedType): Conversion {
  if (from.array || to.array) {
    // PostgreSQL converts arrays element by element (ArrayCoerceExpr) and rewrites for any change: even
    // varchar(10)[] → text[] or a wider varchar(20)[].
    return from.array && to.array && from.base === to.base && from.mods.join() === to.mods.join()
      ? 'binary'
      : 'rewrite';
  }
  if (from.base === to.base) return typmodChange(from, to);
  if (from.base === 'varchar' && to.base === 'text') return 'binary';
  if (from.base === 'text' && to.base === 'varchar' && to.mods.length === 0) return 'binary';
  if (from.base === 'cidr' && to.base === 'inet') return 'binary';
  if (to.base === 'citext' && CITEXT_BINARY.has(from.base)) return 'reindex';
  if (from.base === 'citext' && CITEXT_BINARY.has(to.base) && to.mods.length === 0) return 'reindex';
  if (from.base === 'xml' && to.base === 'text') return 'binary';
  if (
    (from.base === 'timestamp' && to.base === 'timestamptz') ||
    (from.base === 'timestamptz' && to.base === 'timestamp')
  )
    // A narrower precision on top rounds every value: that part rewrites in any time zone.
    return typmodChange({ ...from, base: to.base }, to) === 'binary' ? 'utc-only' : 'rewrite';
  return 'rewrite';
}

/** Same type, other typmod: no rewrite when every stored value still fits unchanged. */
function typmodChange(from: ParsedType, to: ParsedType): Conversion {
  const widens = (to.mods[0] ?? 0) >= (from.mods[0] ?? 0);
  if (from.mods.join() === to.mods.join()) return 'binary';
  if (to.mods.length === 0 && ['varchar', 'numeric', 'varbit', ...PRECISION_TYPES].includes(to.base)) return 'binary';
  if ((to.base === 'varchar' || to.base === 'varbit') && from.mods.length === 1 && widens) return 'binary';
  // numeric(p,s) → numeric(p',s): more digits before the point, the same scale.
  if (to.base === 'numeric' && from.mods.length > 0 && widens && (to.mods[1] ?? 0) === (from.mods[1] ?? 0))
    return 'binary';
  if (PRECISION_TYPES.has(to.base) && from.mods.length === 1 && widens) return 'binary';
  return 'rewrite';
}

/**
 * The conversion `before` → `after`, or through `mid` for `USING col::mid` (PostgreSQL converts old → mid → new
 * and keeps the table only when both steps do).
 */
export function typeConversion(before: string, after: string, mid?: string): Conversion {
  const from = parseType(before);
  const to = parseType(after);
  if (mid === undefined) return step(from, to);
  const via = parseType(mid);
  const first = step(from, via);
  const second = step(via, to);
  if (first === 'rewrite' || second === 'rewrite') return 'rewrite';
  if (first === 'reindex' || second === 'reindex') return 'reindex';
  return first === 'utc-only' || second === 'utc-only' ? 'utc-only' : 'binary';
}

/**
 * The partial indexes on `column` that a type change keeps the rows for still rebuilds: PostgreSQL reuses an
 * index only when it can compare it, and it does not compare WHERE clauses (CheckIndexCompatible).
 */
export function rebuiltPartialIndexes(catalog: CatalogView, table: string, column: string): IndexInfo[] {
  return catalog.indexes(table).filter((index) => index.partial === true && index.columns.includes(column));
}
