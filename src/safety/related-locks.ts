import type { Node } from 'libpg-query';
import { tableKey } from './names.js';
import type { CatalogView, ColumnInfo, ConstraintInfo, PgLockMode } from './types.js';

/**
 * Locks a statement takes on relations it does not name, known only from the schema read so far (earlier
 * migrations, a snapshot, earlier statements): the other side of a foreign key, partitions and inheritance
 * children, views over a dropped table, sequences a dropped table owns. Each function reports them through `add`;
 * without the fact (no catalog, an unknown constraint) it reports nothing rather than guess.
 */

export type AddLock = (table: string, mode: PgLockMode, on: string, rewrite?: boolean, scan?: boolean) => void;

/** Partitions and inheritance children, all levels down (partitionsOnly: what CREATE INDEX recurses into). */
export function descendants(catalog: CatalogView | undefined, table: string, partitionsOnly = false): string[] {
  if (!catalog) return [];
  const found: string[] = [];
  const pending = [table];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const child of catalog.inheritors(next)) {
      if (partitionsOnly && !child.partition) continue;
      if (found.includes(child.table) || child.table === table) continue;
      found.push(child.table);
      pending.push(child.table);
    }
  }
  return found;
}

/** Foreign keys of `table` that a column change or drop rebuilds or removes (they involve `column`). */
function foreignKeysOn(catalog: CatalogView, table: string, column: string): ConstraintInfo[] {
  const found: ConstraintInfo[] = [];
  for (const constraint of catalog.constraints(table))
    if (constraint.kind === 'foreign-key' && constraint.columns.includes(column)) found.push(constraint);
  return found;
}

/**
 * ALTER TABLE actions that reach a referenced table: dropping or retyping an FK column or dropping the FK takes
 * ACCESS EXCLUSIVE on it (its RI triggers are removed), validating an FK reads it under ROW SHARE.
 */
export function foreignKeyActionLocks(
  catalog: CatalogView | undefined,
  table: string,
  subtype: string,
  name: string | undefined,
  add: AddLock,
): void {
  if (!catalog || !name) return;
  const referenced = (mode: PgLockMode, constraints: ReturnType<typeof foreignKeysOn>) => {
    for (const constraint of constraints) {
      const target = constraint.references?.table;
      if (target && target !== table) add(target, mode, 'referenced table');
    }
  };
  if (subtype === 'AT_DropColumn' || subtype === 'AT_AlterColumnType') {
    referenced('ACCESS EXCLUSIVE', foreignKeysOn(catalog, table, name));
  } else if (subtype === 'AT_DropConstraint' || subtype === 'AT_ValidateConstraint') {
    const constraint = catalog.constraint(table, name);
    if (constraint?.kind !== 'foreign-key') return;
    // Validating a key already valid reads nothing.
    if (subtype === 'AT_ValidateConstraint' && constraint.validated) return;
    referenced(subtype === 'AT_DropConstraint' ? 'ACCESS EXCLUSIVE' : 'ROW SHARE', [constraint]);
  }
}

/**
 * ALTER TABLE actions on a key other tables reference: retyping or dropping a referenced column, or dropping the
 * primary key or unique constraint with CASCADE, rebuilds or drops their foreign keys: ACCESS EXCLUSIVE on each
 * referencing table.
 */
export function referencedKeyLocks(
  catalog: CatalogView | undefined,
  table: string,
  cmd: { subtype?: string; name?: string; behavior?: string },
  add: AddLock,
): void {
  if (!catalog || !cmd.name) return;
  let reached: (referenced: string[]) => boolean;
  if (cmd.subtype === 'AT_AlterColumnType' || cmd.subtype === 'AT_DropColumn') {
    const column = cmd.name;
    // A foreign key references a primary key or unique constraint (or a unique index, not followed here): a column
    // in neither is referenced by none, and the search of every table's keys, which a 50,000-statement file would
    // repeat for each ALTER, is skipped.
    const inKey = [...catalog.constraints(table)].some(
      (constraint) =>
        (constraint.kind === 'primary-key' || constraint.kind === 'unique') && constraint.columns.includes(column),
    );
    if (!inKey) return;
    reached = (referenced) => referenced.includes(column);
  } else if (cmd.subtype === 'AT_DropConstraint' && cmd.behavior === 'DROP_CASCADE') {
    const key = catalog.constraint(table, cmd.name);
    if (key?.kind !== 'primary-key' && key?.kind !== 'unique') return;
    const columns = [...key.columns].sort().join();
    reached = (referenced) => [...referenced].sort().join() === columns;
  } else {
    return;
  }
  const primaryKey = [...catalog.constraints(table)].find((constraint) => constraint.kind === 'primary-key');
  for (const referencing of catalog.referencingTables(table)) {
    if (referencing === table) continue;
    for (const constraint of catalog.constraints(referencing)) {
      if (constraint.kind !== 'foreign-key' || constraint.references?.table !== table) continue;
      // REFERENCES t without a column list references t's primary key.
      const referenced = constraint.references.columns.length > 0 ? constraint.references.columns : primaryKey?.columns;
      if (referenced && reached(referenced)) {
        add(referencing, 'ACCESS EXCLUSIVE', 'referencing table');
        break;
      }
    }
  }
}

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/**
 * What DROP TABLE also locks ACCESS EXCLUSIVE: the tables it references (their RI triggers go), the partitioned
 * parent of a partition, its partitions, the sequences its serial columns own (PostgreSQL's `table_column_seq`
 * name), and with CASCADE the tables whose foreign keys and the views whose queries depend on it, directly or
 * through other views.
 */
export function dropTableLocks(catalog: CatalogView | undefined, table: string, cascade: boolean, add: AddLock): void {
  if (!catalog) return;
  for (const constraint of catalog.constraints(table)) {
    const target = constraint.references?.table;
    if (constraint.kind === 'foreign-key' && target && target !== table)
      add(target, 'ACCESS EXCLUSIVE', 'referenced table');
  }
  const parent = catalog.partitionParent(table);
  if (parent) add(parent, 'ACCESS EXCLUSIVE', 'parent table');
  const fallback = parent ? catalog.defaultPartition(parent) : undefined;
  if (fallback && fallback !== tableKey(table)) add(fallback, 'ACCESS EXCLUSIVE', 'default partition');
  for (const sequence of ownedSequences(catalog, table)) add(sequence, 'ACCESS EXCLUSIVE', 'sequence');
  const children = cascade ? descendants(catalog, table) : descendants(catalog, table, true);
  for (const child of children) add(child, 'ACCESS EXCLUSIVE', 'partition');
  if (!cascade) return;
  for (const referencing of catalog.referencingTables(table)) add(referencing, 'ACCESS EXCLUSIVE', 'referencing table');
  for (const view of viewsOver(catalog, table)) add(view, 'ACCESS EXCLUSIVE', 'view');
}

/** The views and materialized views a DROP … CASCADE of `relation` drops: those over it, and those over them. */
function viewsOver(catalog: CatalogView, relation: string): string[] {
  const found: string[] = [];
  const pending = [relation];
  for (let next = pending.pop(); next !== undefined; next = pending.pop())
    for (const view of catalog.dependentViews(next)) {
      if (view === relation || found.includes(view)) continue;
      found.push(view);
      pending.push(view);
    }
  return found;
}

/**
 * What a column change does to the sequence a serial or identity column owns: a new type re-reads a serial
 * column's nextval default (ACCESS SHARE) or becomes the identity sequence's type too (ALTER SEQUENCE … AS: SHARE
 * ROW EXCLUSIVE); dropping the column drops the sequence (ACCESS EXCLUSIVE).
 */
export function ownedSequenceLocks(
  catalog: CatalogView | undefined,
  table: string,
  cmd: { subtype?: string; name?: string },
  add: AddLock,
): void {
  if (cmd.subtype !== 'AT_AlterColumnType' && cmd.subtype !== 'AT_DropColumn') return;
  const column = catalog?.columns(table)?.find((each) => each.name === cmd.name);
  const sequence = column && ownedSequence(table, column);
  if (!column || !sequence) return;
  if (cmd.subtype === 'AT_DropColumn') add(sequence, 'ACCESS EXCLUSIVE', 'sequence');
  else add(sequence, column.identity ? 'SHARE ROW EXCLUSIVE' : 'ACCESS SHARE', 'sequence');
}

/** The sequences the table's serial columns own (PostgreSQL names them `table_column_seq`). */
export function ownedSequences(catalog: CatalogView, table: string): string[] {
  return (catalog.columns(table) ?? []).flatMap((column) => ownedSequence(table, column) ?? []);
}

/** The sequence a serial or identity column owns: the name it was given, else PostgreSQL's `table_column_seq`. */
export function ownedSequence(table: string, column: ColumnInfo): string | undefined {
  if (column.sequence !== undefined) return column.sequence;
  return SERIAL_TYPES.has(column.type) ? `${table}_${column.name}_seq` : undefined;
}

/**
 * The sequences of the serial columns an INSERT or UPDATE fills from their default, nextval() taking ROW EXCLUSIVE
 * on each: INSERT's columns left out of its column list (or past the values given, without a list) or given
 * DEFAULT, UPDATE's columns SET to DEFAULT. An INSERT … SELECT without a column list whose SELECT has `*` is taken
 * to give every column.
 */
export function defaultedSerialSequences(ast: Node, table: string, catalog: CatalogView): string[] {
  const columns = catalog.columns(table)?.filter((column) => column.hasDefault && ownedSequence(table, column));
  if (!columns || columns.length === 0) return [];
  const defaulted = new Set<string>();
  if ('UpdateStmt' in ast) {
    for (const target of ast.UpdateStmt.targetList ?? [])
      if ('ResTarget' in target && target.ResTarget.val && 'SetToDefault' in target.ResTarget.val)
        defaulted.add(target.ResTarget.name ?? '');
  } else if ('InsertStmt' in ast) {
    const stmt = ast.InsertStmt;
    const all = catalog.columns(table) ?? [];
    const listed = (stmt.cols ?? []).map((col) => ('ResTarget' in col ? (col.ResTarget.name ?? '') : ''));
    const select = stmt.selectStmt && 'SelectStmt' in stmt.selectStmt ? stmt.selectStmt.SelectStmt : undefined;
    const rows = (select?.valuesLists ?? []).map((row) => ('List' in row ? (row.List.items ?? []) : []));
    // The columns the statement gives values for, in order.
    let given: string[];
    if (listed.length > 0) given = listed;
    else if (!select) given = [];
    else if (rows.length > 0) given = all.slice(0, Math.max(...rows.map((row) => row.length))).map((c) => c.name);
    else if (!select.targetList || select.targetList.some(selectsStar)) given = all.map((c) => c.name);
    else given = all.slice(0, select.targetList.length).map((c) => c.name);
    for (const column of all) if (!given.includes(column.name)) defaulted.add(column.name);
    for (const row of rows)
      row.forEach((value, at) => {
        if ('SetToDefault' in value && given[at] !== undefined) defaulted.add(given[at]);
      });
  }
  return columns.filter((column) => defaulted.has(column.name)).flatMap((column) => ownedSequence(table, column) ?? []);
}

/** A `*` or `t.*` select-list entry (how many columns it gives is not counted). */
function selectsStar(target: Node): boolean {
  const value = 'ResTarget' in target ? target.ResTarget.val : undefined;
  return (
    value !== undefined && 'ColumnRef' in value && (value.ColumnRef.fields ?? []).some((field) => 'A_Star' in field)
  );
}

/** TRUNCATE reaches partitions and children (unless ONLY) and, with CASCADE, every table referencing it. */
export function truncateLocks(
  catalog: CatalogView | undefined,
  table: string,
  recurse: boolean,
  cascade: boolean,
  add: AddLock,
): void {
  if (!catalog) return;
  const reached = new Set([table]);
  const pending = [table];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const more = [...(recurse ? descendants(catalog, next) : []), ...(cascade ? catalog.referencingTables(next) : [])];
    for (const other of more) {
      if (reached.has(other)) continue;
      reached.add(other);
      pending.push(other);
      add(other, 'ACCESS EXCLUSIVE', 'table');
    }
  }
}
