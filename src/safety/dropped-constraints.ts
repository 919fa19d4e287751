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
      if (
        candidate.kind === 'foreign-key' &&
        sameList(candidate.columns, constraint.columns) &&
        candidate.references?.table === constraint.references?.table &&
        (candidate.references?.columns.length === 0 ||
          constraint.references?.columns.length === 0 ||
          sameList(candidate.references?.columns ?? [], constraint.references?.columns ?? []))
      )
        return true;
    } else if (
      (candidate.kind === 'unique' || candidate.kind === 'primary-key') &&
      candidate.columns.length > 0 &&
      candidate.columns.every((column) => constraint.columns.includes(column))
    )
      return true;
  }
  return false;
}
