/**
 * The rows PostgreSQL returns for a read on an empty database, for recorders that run migrations without one.
 * Mostly none; but a SELECT of aggregates only (no GROUP BY, HAVING or set operation) always returns exactly one
 * row — count() 0, sum/avg/min/max NULL — so code that guards on `rows[0].count` takes the path it takes on a
 * fresh database instead of failing on a missing row. Columns are named as PostgreSQL names them (the alias, else
 * the function's name); counts arrive as the pg driver delivers them (bigint as a string, int as a number).
 */

const AGGREGATE = /^(count|sum|avg|min|max)\s*\(/i;
const AFTER_CALL = /^\s*(?:::\s*(\w+))?\s*(?:(?:as\s+)?(?:"([^"]+)"|([a-z_]\w*)))?\s*$/i;
const MANY_OR_NO_ROWS = /\b(group\s+by|having|union|intersect|except|limit\s+0|offset)\b/i;
const NUMBER_CASTS = new Set(['int', 'integer', 'int4', 'int2', 'smallint', 'real', 'float4', 'float8']);

export function emptyDatabaseRows(sql: string): Record<string, unknown>[] {
  const select = /^\s*select\s+([\s\S]*)$/i.exec(sql.replace(/;\s*$/, ''));
  if (!select || MANY_OR_NO_ROWS.test(sql)) return [];
  const items = selectItems(select[1]!);
  const row: Record<string, unknown> = {};
  for (const item of items) {
    const column = aggregateColumn(item);
    if (!column) return [];
    row[column.name] = column.value;
  }
  return items.length > 0 ? [row] : [];
}

/** The select list's items: split at top-level commas, up to a top-level FROM. */
function selectItems(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let at = 0; at < list.length; at++) {
    const char = list[at]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (depth === 0 && char === ',') {
      items.push(list.slice(start, at).trim());
      start = at + 1;
    } else if (depth === 0 && /\s/.test(char) && /^\s+from\b/i.test(list.slice(at))) {
      items.push(list.slice(start, at).trim());
      return items;
    }
  }
  items.push(list.slice(start).trim());
  return items;
}

/** `count(*)`, `COUNT(x)::int AS n`, `max(y) "latest"`: the column it yields; undefined for anything else. */
function aggregateColumn(item: string): { name: string; value: unknown } | undefined {
  const call = AGGREGATE.exec(item);
  if (!call) return undefined;
  const close = matchingParenthesis(item, call[0].length - 1);
  if (close === undefined) return undefined;
  const rest = AFTER_CALL.exec(item.slice(close + 1));
  if (!rest) return undefined;
  const [, cast, quotedAlias, alias] = rest;
  const fn = call[1]!.toLowerCase();
  const name = quotedAlias ?? alias?.toLowerCase() ?? fn;
  if (fn !== 'count') return { name, value: null };
  return { name, value: cast && NUMBER_CASTS.has(cast.toLowerCase()) ? 0 : '0' };
}

function matchingParenthesis(text: string, open: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let at = open; at < text.length; at++) {
    const char = text[at]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return at;
  }
  return undefined;
}
