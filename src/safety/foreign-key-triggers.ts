import type { AddLock } from './related-locks.js';
import type { CatalogView, ConstraintInfo } from './types.js';

/**
 * The locks PostgreSQL's foreign-key triggers take when rows are written (checked on PostgreSQL 15; they are taken
 * only when a row is, so an empty table shows none):
 * - a row inserted, or its key columns updated, in a referencing table: the referenced row is read FOR KEY SHARE
 *   (ROW SHARE on the referenced table);
 * - a referenced row deleted, or its key updated: the referencing rows are read FOR KEY SHARE (ROW SHARE) under NO
 *   ACTION / RESTRICT, or written under CASCADE / SET NULL / SET DEFAULT (ROW EXCLUSIVE, and a cascaded delete
 *   goes on to what references them).
 * `columns`: the columns an UPDATE sets, or an INSERT names (undefined: every column).
 */
export function foreignKeyTriggerLocks(
  catalog: CatalogView,
  table: string,
  write: 'insert' | 'update' | 'delete',
  columns: readonly string[] | undefined,
  add: AddLock,
): void {
  // The triggers fire per row written: an UPDATE or DELETE of a table the transaction emptied or created writes none.
  if (write !== 'insert' && catalog.tableEmptiedInCurrentTransaction(table)) return;
  const touches = (keyColumns: readonly string[]) =>
    columns === undefined || keyColumns.some((column) => columns.includes(column));
  if (write !== 'delete') {
    // Each referenced table once, however many keys point at it (a table's keys point at few tables).
    const checked: string[] = [];
    for (const constraint of catalog.foreignKeysOf(table)) {
      const referenced = constraint.references?.table;
      if (referenced === undefined || checked.includes(referenced) || !touches(constraint.columns)) continue;
      checked.push(referenced);
      add(referenced, 'ROW SHARE', 'referenced table (foreign key check)');
    }
  }
  if (write === 'insert') return;
  const referencing = catalog.referencingTables(table);
  if (referencing.length === 0) return;
  // A foreign key references a unique key: an UPDATE that sets none of the table's unique columns changes no key.
  if (write === 'update' && columns !== undefined && !setsUniqueColumn(catalog, table, columns)) return;
  const pending: Array<{ table: string; columns: readonly string[] | undefined }> = [{ table, columns }];
  const seen = new Set<string>();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next.table)) continue;
    seen.add(next.table);
    for (const child of next.table === table ? referencing : catalog.referencingTables(next.table))
      for (const constraint of catalog.foreignKeysOf(child)) {
        if (constraint.references?.table !== next.table) continue;
        const keyColumns = referencedColumns(catalog, next.table, constraint);
        if (write === 'update' && next.columns !== undefined && !keyColumns.some((c) => next.columns?.includes(c)))
          continue;
        const writes = write === 'delete' ? constraint.references.writesOnDelete : constraint.references.writesOnUpdate;
        add(child, writes ? 'ROW EXCLUSIVE' : 'ROW SHARE', 'referencing table (foreign key action)');
        // A cascaded delete deletes the child's rows in turn.
        if (writes && write === 'delete') pending.push({ table: child, columns: undefined });
      }
  }
}

/** Whether `columns` include a column of a unique index or key of the table (true when its keys are not known). */
function setsUniqueColumn(catalog: CatalogView, table: string, columns: readonly string[]): boolean {
  const uniques = catalog.indexes(table).filter((index) => index.unique);
  if (uniques.length === 0) return true;
  return uniques.some((index) => index.columns.some((column) => columns.includes(column)));
}

/** The referenced columns of a foreign key: as written, else the referenced table's primary key. */
function referencedColumns(catalog: CatalogView, table: string, constraint: ConstraintInfo): string[] {
  const written = constraint.references?.columns ?? [];
  if (written.length > 0) return written;
  for (const candidate of catalog.constraints(table)) if (candidate.kind === 'primary-key') return candidate.columns;
  return [];
}
