import type { ColumnDef, Constraint, Node, TypeName } from 'libpg-query';
import { namesOf, relationKey } from './names.js';
import { RecentMemo } from './recent-memo.js';
import type { ColumnInfo, ConstraintInfo, ConstraintKind } from './types.js';

/** Small readers over libpg_query parse trees, shared by the engine and the rules. */

/** The node type of a statement: 'AlterTableStmt', 'IndexStmt', … */
export function nodeType(node: Node): string {
  for (const key in node) return key;
  return '';
}

const typeTexts = new RecentMemo<TypeName, string>(16);

/**
 * A type as written, lower case, without `pg_catalog.`: 'int4', 'varchar(20)', 'numeric(10,2)', 'text[]'.
 * Remembered per parse-tree node: many rules ask for the type of the same column.
 */
export function typeNameText(typeName: TypeName | undefined): string {
  if (!typeName) return '';
  return typeTexts.get(typeName, readTypeNameText);
}

function readTypeNameText(typeName: TypeName): string {
  const names = namesOf(typeName.names).filter((name, _index, all) => !(name === 'pg_catalog' && all.length > 1));
  // The parser has folded unquoted names to lower case already; a quoted one ("Role") keeps its case, as in PostgreSQL.
  let text = names.join('.');
  const mods: string[] = [];
  for (const mod of typeName.typmods ?? []) {
    if ('A_Const' in mod) {
      const value = mod.A_Const.ival?.ival ?? mod.A_Const.sval?.sval ?? 0;
      mods.push(String(value));
    } else if ('ColumnRef' in mod) {
      mods.push(namesOf(mod.ColumnRef.fields).join('.'));
    }
  }
  if (mods.length > 0) text += `(${mods.join(',')})`;
  if (typeName.arrayBounds && typeName.arrayBounds.length > 0) text += '[]';
  return text;
}

/**
 * `USING col::some_type`: the type the column is cast to on its way to the new type. PostgreSQL then rewrites the
 * table only if one of the two conversions (old → some_type → new) is not binary-coercible.
 */
export function usingCastType(def: ColumnDef, column: string): TypeName | undefined {
  const expression = def.raw_default;
  if (!expression || !('TypeCast' in expression)) return undefined;
  const argument = expression.TypeCast.arg;
  if (!argument || !('ColumnRef' in argument)) return undefined;
  const fields = argument.ColumnRef.fields ?? [];
  const only = fields[0];
  return fields.length === 1 && only !== undefined && 'String' in only && only.String.sval === column
    ? expression.TypeCast.typeName
    : undefined;
}

/**
 * ALTER COLUMN … TYPE … USING whose expression is the column itself, bare or cast to the new type. PostgreSQL then
 * builds the same conversion as without USING (it looks through the coercion to the column when it decides on a
 * rewrite), so the change rewrites exactly when it would without the clause: `TYPE timestamptz USING published`
 * in a UTC session keeps the table.
 */
export function usingIsTheColumn(def: ColumnDef, column: string): boolean {
  let expression = def.raw_default;
  if (expression && 'TypeCast' in expression) {
    if (typeNameText(expression.TypeCast.typeName) !== typeNameText(def.typeName)) return false;
    expression = expression.TypeCast.arg;
  }
  if (!expression || !('ColumnRef' in expression)) return false;
  const fields = expression.ColumnRef.fields ?? [];
  const only = fields[0];
  return fields.length === 1 && only !== undefined && 'String' in only && only.String.sval === column;
}

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** The column a ColumnDef creates, as the catalog records it. */
export function columnInfo(def: ColumnDef, table?: string): ColumnInfo {
  const type = typeNameText(def.typeName);
  const serial = SERIAL_TYPES.has(type);
  let notNull = serial;
  let hasDefault = serial;
  let identity = false;
  for (const item of def.constraints ?? []) {
    if (!('Constraint' in item)) continue;
    const contype = item.Constraint.contype;
    if (contype === 'CONSTR_NOTNULL' || contype === 'CONSTR_PRIMARY') notNull = true;
    if (contype === 'CONSTR_DEFAULT' || contype === 'CONSTR_IDENTITY' || contype === 'CONSTR_GENERATED') {
      hasDefault = true;
    }
    if (contype === 'CONSTR_IDENTITY') {
      notNull = true;
      identity = true;
    }
  }
  const name = def.colname ?? '';
  // An identity column owns a sequence named as a serial column's is.
  return {
    name,
    type,
    notNull,
    hasDefault,
    ...((serial || identity) && table ? { sequence: `${table}_${name}_seq` } : {}),
    ...(identity ? { identity } : {}),
  };
}

const KIND_BY_CONTYPE: Partial<Record<string, ConstraintKind>> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

/**
 * A table constraint as the catalog records it. `column` is set for a constraint written inside a column
 * definition; `table` names the constrained table (for PostgreSQL's default constraint names).
 */
export function constraintInfo(
  constraint: Constraint,
  table: string,
  inTransaction: boolean,
  column?: string,
): ConstraintInfo | undefined {
  const kind = constraint.contype ? KIND_BY_CONTYPE[constraint.contype] : undefined;
  if (!kind) return undefined;
  const keys = namesOf(constraint.keys);
  const columns = column ? [column] : kind === 'foreign-key' ? namesOf(constraint.fk_attrs) : keys;
  const info: ConstraintInfo = {
    name: constraint.conname ?? defaultConstraintName(kind, table, columns),
    kind,
    columns,
    validated: constraint.skip_validation !== true,
    addedInCurrentTransaction: inTransaction,
  };
  if (kind === 'check') {
    const proved = notNullCheckColumn(constraint.raw_expr);
    if (proved) info.notNullColumn = proved;
  }
  if (kind === 'foreign-key') {
    const referenced = relationKey(constraint.pktable);
    if (referenced)
      info.references = {
        table: referenced,
        columns: namesOf(constraint.pk_attrs),
        writesOnDelete: WRITING_ACTIONS.has(constraint.fk_del_action ?? 'a'),
        writesOnUpdate: WRITING_ACTIONS.has(constraint.fk_upd_action ?? 'a'),
      };
  }
  return info;
}

/** Referential actions that write the referencing rows: CASCADE, SET NULL, SET DEFAULT (not NO ACTION, RESTRICT). */
const WRITING_ACTIONS = new Set(['c', 'n', 'd']);

/** PostgreSQL's generated names: t_pkey, t_a_key, t_a_fkey, t_a_check, t_a_excl. */
function defaultConstraintName(kind: ConstraintKind, table: string, columns: string[]): string {
  const bare = table.slice(table.indexOf('.') + 1);
  const suffix = {
    check: 'check',
    'foreign-key': 'fkey',
    unique: 'key',
    'primary-key': 'pkey',
    exclusion: 'excl',
    'not-null': 'not_null',
  }[kind];
  return kind === 'primary-key' ? `${bare}_pkey` : [bare, ...columns, suffix].join('_');
}

/** `col IS NOT NULL` (alone) → 'col'. */
export function notNullCheckColumn(expr: Node | undefined): string | undefined {
  if (!expr || !('NullTest' in expr)) return undefined;
  const test = expr.NullTest;
  if (test.nulltesttype !== 'IS_NOT_NULL' || !test.arg || !('ColumnRef' in test.arg)) return undefined;
  const names = namesOf(test.arg.ColumnRef.fields);
  return names[names.length - 1];
}
