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

/**
 * Words that cannot name a column or table unquoted (reserved and type/function-name keywords): the diff's DDL
 * quotes these and leaves every other lower-case name bare.
 */
const RESERVED_OR_TYPE_FUNCTION = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose'.split(
    ' ',
  ),
);

export function ddlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED_OR_TYPE_FUNCTION.has(name) ? name : quoteIdentifier(name);
}

/** Keywords that are not UNRESERVED (`pg_get_keywords() WHERE catcode <> 'U'`, PostgreSQL 18). */
export const QUOTED_KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast
char character check coalesce collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user dec decimal default deferrable
desc distinct do else end except exists extract false fetch float for foreign freeze from full grant greatest group
grouping having ilike in initially inner inout int integer intersect interval into is isnull join json json_array
json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize json_table json_value
lateral leading least left like limit localtime localtimestamp merge_action national natural nchar none normalize
not notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision
primary real references returning right row select session_user setof similar smallint some substring symmetric
system_user table tablesample then time timestamp to trailing treat trim true union unique user using values
varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest
xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/),
);

/**
 * PostgreSQL's quote_ident as the catalog functions (format_type, pg_get_expr, pg_get_indexdef) apply it, so a model
 * built from a schema file prints names exactly as introspection reads them back.
 */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name` as the catalog prints an object outside `public` (the default search_path). */
export function qualifiedIdent(name: string, namespace: string | undefined): string {
  return namespace ? `${quoteIdent(namespace)}.${quoteIdent(name)}` : quoteIdent(name);
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The name PostgreSQL chooses for an implicit object such as a serial column's sequence (makeObjectName):
 * `table_column_label`, shortening the longer of table and column until it fits in 63 bytes.
 */
export function postgresObjectName(table: string, column: string, label: string): string {
  const available = 63 - label.length - 2;
  let tableLength = Buffer.byteLength(table);
  let columnLength = Buffer.byteLength(column);
  while (tableLength + columnLength > available) {
    if (tableLength > columnLength) tableLength--;
    else columnLength--;
  }
  return `${clip(table, tableLength)}_${clip(column, columnLength)}_${label}`;
}

function clip(text: string, bytes: number): string {
  return Buffer.from(text)
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
