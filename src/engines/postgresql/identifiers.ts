/**
 * PostgreSQL identifiers as SQL text: the one place that quotes them. `quoteIdentifier` always quotes (SQL the
 * tool runs itself, where an unquoted name would be folded to lower case); `identifier` quotes only when
 * PostgreSQL needs it (SQL shown to people: fixes, generated migrations).
 */

/** Words PostgreSQL reserves even as column names (the manual's appendix "SQL Key Words", reserved column). */
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric system_user table then to trailing true union unique user using variadic when where window with'.split(
    ' ',
  ),
);

/** `name` → `"name"`, with embedded double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An identifier as SQL: quoted only when it has to be (upper case, special characters, a reserved word). */
export function identifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return quoteIdentifier(name);
}
