import type { Node } from 'libpg-query';
import { relationKey } from './names.js';
import type { CatalogView, ConstraintInfo } from './types.js';

/** A key or foreign key an ALTER TABLE drops, as the catalog knew it just before. */
export interface DroppedConstraint {
  table: string;
  constraint: ConstraintInfo;
}

const GUARANTEES = new Set<ConstraintInfo['kind']>(['foreign-key', 'unique', 'primary-key']);

/** Keys and foreign keys: what drop-constraint decides at the end of the migration (and reports as a warning). */
export function isKeyGuarantee(kind: ConstraintInfo['kind'] | undefined): boolean {
  return kind !== undefined && GUARANTEES.has(kind);
}

/** Read before the statement is applied: afterwards the catalog no longer holds what it dropped. */
export function keysDropped(ast: Node, catalog: CatalogView): DroppedConstraint[] {
  if (!('AlterTableStmt' in ast)) return [];
  const table = relationKey(ast.AlterTableStmt.relation);
  if (!table || catalog.tableCreatedInThisMigration(table)) return [];
  const dropped: DroppedConstraint[] = [];
  for (const item of ast.AlterTableStmt.cmds ?? []) {
    const cmd = 'AlterTableCmd' in item ? item.AlterTableCmd : undefined;
    if (cmd?.subtype !== 'AT_DropConstraint' || !cmd.name) continue;
    const constraint = catalog.constraint(table, cmd.name);
    if (constraint && isKeyGuarantee(constraint.kind)) dropped.push({ table, constraint });
  }
  return dropped;
}

/** Columns an ALTER TABLE drops that this migration copied into a column it added (read before it is applied). */
export function copiedColumnsOf(ast: Node, catalog: CatalogView): Array<{ table: string; column: string }> {
  if (!('AlterTableStmt' in ast)) return [];
  const table = relationKey(ast.AlterTableStmt.relation);
  if (!table || catalog.tableCreatedInThisMigration(table)) return [];
  return (ast.AlterTableStmt.cmds ?? []).flatMap((item) => {
    const cmd = 'AlterTableCmd' in item ? item.AlterTableCmd : undefined;
    return cmd?.subtype === 'AT_DropColumn' && cmd.name && catalog.columnCopied(table, cmd.name)
      ? [{ table, column: cmd.name }]
      : [];
  });
}

/**
 * Whether the table holds the same guarantee again by the end of the migration: a foreign key on the same columns
 * to the same table (Prisma drops and re-adds one to change its ON DELETE), or a key whose columns are among the
 * dropped key's (uniqueness of fewer columns implies theirs). A unique index is not counted: the catalog does not
 * record whether it is partial.
 */
export function guaranteeRestored(catalog: CatalogView, dropped: DroppedConstraint): boolean {
  const { table, constraint } = dropped;
  if (!catalog.tableExists(table)) return false;
  const sameList = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((value, index) => value === b[index]);
  for (const candidate of catalog.constraints(table)) {
    if (constraint.kind === 'foreign-key') {
      if (candidate.kind !== 'foreign-key' || candidate.references?.table !== constraint.references?.table) continue;
      if (
        sameList(candidate.columns, constraint.columns) &&
        (candidate.references?.columns.length === 0 ||
          constraint.references?.columns.length === 0 ||
          sameList(candidate.references?.columns ?? [], constraint.references?.columns ?? []))
      )
        return true;
      if (widerKeyImplies(catalog, table, candidate, constraint)) return true;
    } else if (
      (candidate.kind === 'unique' || candidate.kind === 'primary-key') &&
      candidate.columns.length > 0 &&
      candidate.columns.every((column) => constraint.columns.includes(column))
    )
      return true;
  }
  return false;
}

/**
 * A composite foreign key that pairs every column of the dropped one with the same referenced column, its other
 * columns NOT NULL, checks every row the dropped one checked (langfuse re-keys datasets by (id, project_id)): each
 * value is still found in the referenced column.
 */
function widerKeyImplies(
  catalog: CatalogView,
  table: string,
  candidate: ConstraintInfo,
  dropped: ConstraintInfo,
): boolean {
  const wider = candidate.references?.columns ?? [];
  const narrower = dropped.references?.columns ?? [];
  if (wider.length !== candidate.columns.length || narrower.length !== dropped.columns.length) return false;
  if (narrower.length === 0 || candidate.columns.length <= dropped.columns.length) return false;
  const pairs = new Set(candidate.columns.map((column, index) => `${column}\u0000${wider[index]}`));
  if (!dropped.columns.every((column, index) => pairs.has(`${column}\u0000${narrower[index]}`))) return false;
  const columns = catalog.columns(table);
  return candidate.columns
    .filter((column) => !dropped.columns.includes(column))
    .every((column) => columns?.find((each) => each.name === column)?.notNull === true);
}
