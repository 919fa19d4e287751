import type { Node, RenameStmt, SelectStmt, ViewStmt } from 'libpg-query';
import { relationDisplay, relationKey } from './names.js';
import type { CatalogView } from './types.js';

/**
 * A view that shows one table's rows and columns unchanged: PostgreSQL keeps it insertable and updatable (a
 * simple view; missing INSERT columns take the table's defaults), so code that used the table under the view's
 * name keeps working. `columns`: 'all' when every column of the table that old code can use (not one this migration
 * added) passes through under its own name; 'known' when every such column the catalog knows does, but the table
 * may have columns the schema read missed.
 */
export interface PassThroughView {
  view: string;
  table: string;
  columns: 'all' | 'known';
}

/** The pass-through view a CREATE [OR REPLACE] VIEW makes, or undefined (filtered, joined, computed, renamed). */
export function passThroughView(ast: Node, catalog: CatalogView): PassThroughView | undefined {
  const stmt = (ast as { ViewStmt?: ViewStmt }).ViewStmt;
  const view = relationKey(stmt?.view);
  const select = (stmt?.query as { SelectStmt?: SelectStmt } | undefined)?.SelectStmt;
  if (!view || !select || (stmt?.aliases ?? []).length > 0 || !simpleSelect(select)) return undefined;
  const from = select.fromClause?.[0];
  const range = from && 'RangeVar' in from ? from.RangeVar : undefined;
  const table = relationKey(range);
  if (!table || range?.inh === false) return undefined;
  const shown = new Set<string>();
  for (const target of select.targetList ?? []) {
    const result = 'ResTarget' in target ? target.ResTarget : undefined;
    const fields = result?.val && 'ColumnRef' in result.val ? (result.val.ColumnRef.fields ?? []) : [];
    const last = fields.at(-1);
    if (last && 'A_Star' in last) return fields.length === 1 ? { view, table, columns: 'all' } : undefined;
    const column = last && 'String' in last ? last.String.sval : undefined;
    if (!column || (result?.name !== undefined && result.name !== column)) return undefined;
    shown.add(column);
  }
  // A column this migration added is one old code never used: the view need not show it.
  const used = catalog.columns(table)?.filter((column) => !catalog.columnAddedInThisMigration(table, column.name));
  if (!used || used.some((column) => !shown.has(column.name))) return undefined;
  // '' names no column: false means the catalog knows the table's every column.
  return { view, table, columns: catalog.columnExists(table, '') === false ? 'all' : 'known' };
}

function simpleSelect(select: SelectStmt): boolean {
  return (
    (select.op === undefined || select.op === 'SETOP_NONE') &&
    (select.fromClause ?? []).length === 1 &&
    !select.whereClause &&
    !select.havingClause &&
    !select.withClause &&
    !select.limitCount &&
    !select.limitOffset &&
    (select.distinctClause ?? []).length === 0 &&
    (select.groupClause ?? []).length === 0 &&
    (select.windowClause ?? []).length === 0 &&
    (select.valuesLists ?? []).length === 0
  );
}

/** An existing table a RENAME TO gives a new name (one this migration created has no code using its name). */
export function renamedTable(
  ast: Node,
  catalog: CatalogView,
): { table: string; display: string; newName: string; renamedTo: string } | undefined {
  const rename = (ast as { RenameStmt?: RenameStmt }).RenameStmt;
  const table = relationKey(rename?.relation);
  const display = relationDisplay(rename?.relation);
  if (rename?.renameType !== 'OBJECT_TABLE' || !rename.newname || !table || !display) return undefined;
  if (catalog.tableCreatedInThisMigration(table) || catalog.tableCreatedInCurrentTransaction(table)) return undefined;
  const renamedTo = `${table.slice(0, table.indexOf('.'))}.${rename.newname}`;
  return { table, display, newName: rename.newname, renamedTo };
}
