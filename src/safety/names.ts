import type { Node, RangeVar } from 'libpg-query';

/**
 * Table names as the safety engine keys them. libpg_query already folds unquoted identifiers to lower case,
 * so names are compared exactly; an unqualified name means the `public` schema (the default search_path).
 */

const DEFAULT_SCHEMA = 'public';

/** `schema.table` key for a parsed relation (`public` when the SQL left the schema out). */
export function relationKey(relation: RangeVar | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  return `${relation.schemaname ?? DEFAULT_SCHEMA}.${relation.relname}`;
}

/** The relation as written in the SQL (schema only when it was written), for messages. */
export function relationDisplay(relation: RangeVar | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** `schema.table` key for a name given by a user or a rule: `orders` and `public.orders` are the same table. */
export function tableKey(name: string): string {
  return name.includes('.') ? name : `${DEFAULT_SCHEMA}.${name}`;
}

/** Drops the default schema for display: `public.orders` → `orders`. */
export function displayTable(key: string): string {
  return key.startsWith(`${DEFAULT_SCHEMA}.`) ? key.slice(DEFAULT_SCHEMA.length + 1) : key;
}

/** A qualified name from a list of String nodes (`DROP TABLE a.b`, type names, index names). */
export function namesOf(list: Node[] | undefined): string[] {
  const names: string[] = [];
  for (const item of list ?? []) {
    if ('String' in item && item.String.sval !== undefined) names.push(item.String.sval);
  }
  return names;
}

/** `schema.object` key from a DROP/COMMENT object name list. */
export function objectKey(list: Node[] | undefined): string | undefined {
  const names = namesOf(list);
  if (names.length === 0) return undefined;
  const name = names[names.length - 1] as string;
  const schema = names.length > 1 ? names[names.length - 2] : DEFAULT_SCHEMA;
  return `${schema}.${name}`;
}
