import type { Node } from 'libpg-query';
import { some } from '../iterables.js';
import { relationKey, tableKey } from './names.js';
import { ownedSequence } from './related-locks.js';
import type {
  CatalogView,
  ColumnInfo,
  ConstraintInfo,
  FunctionInfo,
  FunctionVolatility,
  IndexInfo,
  TriggerInfo,
} from './types.js';

const NO_CONSTRAINTS: readonly ConstraintInfo[] = [];

/**
 * The schema as the safety engine knows it before each statement: tables from a snapshot, from earlier
 * migrations replayed in order, and from the statements already read in the current file. It is updated
 * statement by statement (see state.ts) and remembers which tables were created in this migration and in the
 * open transaction, the constraints that prove NOT NULL, and indexes (for the foreign-key index check).
 */

interface TableState {
  columns: Map<string, ColumnInfo>;
  constraints: Map<string, ConstraintInfo>;
  createdInMigration: boolean;
  createdInTransaction: boolean;
  /** Columns are complete (the table was created by SQL we read or described by a snapshot). */
  columnsKnown: boolean;
  /** A migration that could not be read came after the columns were learned: one not listed may exist. */
  columnsPartial?: boolean;
  /** Columns a statement that may not have run (under IF, in a handler) added, dropped or renamed. */
  uncertainColumns?: Set<string>;
  /**
   * Known only through constraints added to it (ALTER TABLE … ADD CONSTRAINT on a table no snapshot, history or
   * earlier statement described): kept so later statements see those constraints, but not a known table.
   */
  stub?: boolean;
  /** PARTITION BY: its partitions are its inheritors, and CREATE INDEX recurses into them. */
  partitioned?: boolean;
  /** PARTITION BY's columns, in order ('' for an expression). */
  partitionKey?: readonly string[];
  /** The partitioned parent (PARTITION OF, ATTACH PARTITION). */
  partitionOf?: string;
  /** The parent's DEFAULT partition: every new, attached, detached or dropped sibling locks and re-checks it. */
  defaultPartition?: boolean;
  /** INHERITS parents. */
  inherits?: string[];
  /** For a view or materialized view: the relations its query reads. */
  reads?: string[];
  /** Columns not otherwise known that a statement made NOT NULL (true) or nullable (false). */
  nullability?: Map<string, boolean>;
  /** Its triggers by name. */
  triggers?: Map<string, TriggerInfo>;
}

/** A schema description to start from: tables with their columns and, optionally, row counts. */
export interface SchemaSnapshot {
  tables: Array<{
    name: string;
    columns?: ColumnInfo[];
    rowCount?: number;
    indexes?: Array<{ name: string; columns: string[]; unique?: boolean }>;
  }>;
}

type ForeignKeyTarget = NonNullable<ConstraintInfo['references']>;

export class MigrationCatalog implements CatalogView {
  private tables = new Map<string, TableState>();
  private indexByName = new Map<string, IndexInfo>();
  /** Index keys per table key, so per-table lookups do not scan every index. */
  private indexesByTable = new Map<string, Set<string>>();
  /** indexes(table) results, dropped when the table's indexes change (the foreign-key checks ask often). */
  private indexLists = new Map<string, readonly IndexInfo[]>();
  /** Per table: every leading column list of its indexes (joined by NUL), with how many indexes start so. */
  private indexPrefixes = new Map<string, Map<string, number>>();
  private readonly rows = new Map<string, number>();
  /** Before-images of what the open explicit transaction changed, restored on ROLLBACK. */
  private undo:
    | {
        tables: Map<string, TableState | undefined>;
        indexes: Map<string, IndexInfo | undefined>;
        addedColumns: Map<string, Set<string> | undefined>;
        functions: Map<string, FunctionInfo | undefined>;
      }
    | undefined;
  /** Functions created by the SQL read so far, by lower-case name (schema and overloads not told apart). */
  private readonly functions = new Map<string, FunctionInfo>();
  /**
   * Per table key: the columns the current migration added to a table it did not create (known or not), so no
   * deployed code uses them yet. Kept apart from the table state so tables no history describes have them too.
   */
  private readonly addedColumns = new Map<string, Set<string>>();
  /** Tables created and constraints added by the open transaction (cleared at its end). */
  private transactionTables = new Set<string>();
  /** Tables the open transaction emptied (TRUNCATE, DELETE without WHERE) and has not written to since. */
  private emptiedTables = new Set<string>();
  /** Columns this migration added without a default and nothing has written since: every row holds NULL. */
  private nullOnlyColumns = new Map<string, Set<string>>();
  /**
   * Foreign keys by table: referenced table → referencing table → how many of its foreign keys point there, and
   * referencing table → how many it has. Kept as constraints come and go; undefined after a change to whole tables
   * (create, drop, rename, rollback), rebuilt when next asked: DML statements ask for them, one after another.
   */
  private foreignKeyIndex?: { referencedBy: Map<string, Map<string, number>>; names: Map<string, Set<string>> };
  /** Columns this migration added and filled from other columns of their table (a copy before a type change). */
  private copies = new Map<string, Map<string, Set<string>>>();
  /** Keys of unique indexes and constraints dropped in the open transaction, by table (their lock is still held). */
  private uniqueDroppedInTransaction = new Map<string, string[][]>();
  private transactionConstraints: ConstraintInfo[] = [];
  schemaKnown = false;
  /** Whether any table has a parent: most schemas have none, so ALTER TABLE need not look for children. */
  private hasInheritance = false;

  constructor(rowCounts: Record<string, number> = {}) {
    for (const [name, count] of Object.entries(rowCounts)) this.rows.set(tableKey(name), count);
  }

  // ---- CatalogView -------------------------------------------------------------------------------------

  tableExists(table: string): boolean {
    const state = this.tables.get(tableKey(table));
    return state !== undefined && state.stub !== true;
  }

  tableCreatedInThisMigration(table: string): boolean {
    return this.tables.get(tableKey(table))?.createdInMigration ?? false;
  }

  tableCreatedInCurrentTransaction(table: string): boolean {
    return this.tables.get(tableKey(table))?.createdInTransaction ?? false;
  }

  tableEmptiedInCurrentTransaction(table: string): boolean {
    return this.emptiedTables.has(tableKey(table));
  }

  /** TRUNCATE or DELETE without WHERE inside a transaction (`emptied`), or rows written to it again. */
  markEmptied(table: string, emptied: boolean): void {
    if (emptied) this.emptiedTables.add(tableKey(table));
    else this.emptiedTables.delete(tableKey(table));
  }

  columns(table: string): ColumnInfo[] | undefined {
    const state = this.tables.get(tableKey(table));
    return state?.columnsKnown ? [...state.columns.values()] : undefined;
  }

  hasValidatedNotNullCheck(table: string, column: string): boolean {
    const state = this.tables.get(tableKey(table));
    if (!state) return false;
    for (const constraint of state.constraints.values()) {
      if (constraint.notNullColumn === column && constraint.validated) return true;
    }
    return false;
  }

  hasValidatedCheck(table: string): boolean {
    const state = this.tables.get(tableKey(table));
    if (!state) return false;
    for (const constraint of state.constraints.values()) {
      if (constraint.kind === 'check' && constraint.validated) return true;
    }
    return false;
  }

  rowCount(table: string): number | undefined {
    const key = tableKey(table);
    if (this.tables.get(key)?.createdInMigration) return 0;
    return this.rows.get(key);
  }

  constraint(table: string, name: string): ConstraintInfo | undefined {
    return this.tables.get(tableKey(table))?.constraints.get(name);
  }

  constraints(table: string): Iterable<ConstraintInfo> {
    // No copy: a table of a long migration gathers hundreds of constraints, and rules ask for them per statement.
    return this.tables.get(tableKey(table))?.constraints.values() ?? NO_CONSTRAINTS;
  }

  indexTable(index: string): string | undefined {
    return this.indexByName.get(tableKey(index))?.table;
  }

  indexes(table: string): IndexInfo[] {
    const tableName = tableKey(table);
    const cached = this.indexLists.get(tableName);
    // Shared and frozen: callers only read it.
    if (cached) return cached as IndexInfo[];
    const keys = this.indexesByTable.get(tableName);
    if (!keys) return [];
    const found: IndexInfo[] = [];
    for (const key of keys) {
      const index = this.indexByName.get(key);
      if (index) found.push(index);
    }
    Object.freeze(found);
    this.indexLists.set(tableName, found);
    return found;
  }

  /** Keeps indexByName and indexesByTable in step. */
  private putIndex(key: string, index: IndexInfo | undefined): void {
    const previous = this.indexByName.get(key);
    if (previous) {
      this.indexesByTable.get(previous.table)?.delete(key);
      this.indexLists.delete(previous.table);
      this.countPrefixes(previous, -1);
    }
    if (index) {
      this.indexLists.delete(index.table);
      this.countPrefixes(index, 1);
    }
    if (!index) {
      this.indexByName.delete(key);
      return;
    }
    this.indexByName.set(key, index);
    let keys = this.indexesByTable.get(index.table);
    if (!keys) {
      keys = new Set();
      this.indexesByTable.set(index.table, keys);
    }
    keys.add(key);
  }

  private countPrefixes(index: IndexInfo, change: 1 | -1): void {
    let counts = this.indexPrefixes.get(index.table);
    if (!counts) {
      counts = new Map();
      this.indexPrefixes.set(index.table, counts);
    }
    for (let length = 1; length <= index.columns.length; length++) {
      if (!servesLookupsOn(index, index.columns.slice(0, length))) continue;
      const prefix = prefixKey(index.columns.slice(0, length));
      const count = (counts.get(prefix) ?? 0) + change;
      if (count > 0) counts.set(prefix, count);
      else counts.delete(prefix);
    }
  }

  /**
   * Whether an index of the table starts with these columns, in any order: equality on each of them (a foreign
   * key's lookup) scans that index alone.
   */
  hasIndexStartingWith(table: string, columns: readonly string[]): boolean {
    const counts = this.indexPrefixes.get(tableKey(table));
    if (!counts || counts.size === 0) return false;
    return columns.length === 0 || counts.has(prefixKey(columns));
  }

  inheritors(table: string): Array<{ table: string; partition: boolean }> {
    if (!this.hasInheritance) return [];
    const key = tableKey(table);
    const found: Array<{ table: string; partition: boolean }> = [];
    for (const [child, state] of this.tables) {
      if (state.partitionOf === key) found.push({ table: child, partition: true });
      else if (state.inherits?.includes(key)) found.push({ table: child, partition: false });
    }
    return found;
  }

  isPartitioned(table: string): boolean {
    const key = tableKey(table);
    if (this.tables.get(key)?.partitioned) return true;
    return this.hasInheritance && this.inheritors(key).some((child) => child.partition);
  }

  partitionKey(table: string): readonly string[] | undefined {
    return this.tables.get(tableKey(table))?.partitionKey;
  }

  partitionParent(table: string): string | undefined {
    return this.tables.get(tableKey(table))?.partitionOf;
  }

  defaultPartition(table: string): string | undefined {
    if (!this.hasInheritance) return undefined;
    const key = tableKey(table);
    for (const [child, state] of this.tables) if (state.partitionOf === key && state.defaultPartition) return child;
    return undefined;
  }

  referencingTables(table: string): string[] {
    const key = tableKey(table);
    const found: string[] = [];
    for (const name of this.foreignKeys().referencedBy.get(key)?.keys() ?? []) if (name !== key) found.push(name);
    return found;
  }

  /** The table's own foreign keys. */
  foreignKeysOf(table: string): ConstraintInfo[] {
    const key = tableKey(table);
    const names = this.foreignKeys().names.get(key);
    if (!names || names.size === 0) return [];
    const constraints = this.tables.get(key)?.constraints;
    const found: ConstraintInfo[] = [];
    for (const name of names) {
      const constraint = constraints?.get(name);
      if (constraint) found.push(constraint);
    }
    return found;
  }

  private foreignKeys(): NonNullable<MigrationCatalog['foreignKeyIndex']> {
    if (!this.foreignKeyIndex) {
      this.foreignKeyIndex = { referencedBy: new Map(), names: new Map() };
      for (const [name, state] of this.tables)
        for (const constraint of state.constraints.values()) this.countForeignKey(name, constraint, 1);
    }
    return this.foreignKeyIndex;
  }

  /** Every foreign key the table holds now, counted in (1) or out (-1). */
  private countForeignKeysOf(table: string, change: 1 | -1): void {
    if (!this.foreignKeyIndex) return;
    for (const constraint of this.tables.get(table)?.constraints.values() ?? [])
      this.countForeignKey(table, constraint, change);
  }

  private countForeignKey(table: string, constraint: ConstraintInfo | undefined, change: 1 | -1): void {
    const index = this.foreignKeyIndex;
    const referenced = constraint?.references?.table;
    if (!index || !constraint || !referenced) return;
    const names = index.names.get(table) ?? new Set<string>();
    if (change > 0) names.add(constraint.name);
    else names.delete(constraint.name);
    index.names.set(table, names);
    const children = index.referencedBy.get(referenced) ?? new Map<string, number>();
    const count = (children.get(table) ?? 0) + change;
    if (count > 0) children.set(table, count);
    else children.delete(table);
    index.referencedBy.set(referenced, children);
  }

  /** The INHERITS parents of a table. */
  inheritedFrom(table: string): string[] | undefined {
    return this.tables.get(tableKey(table))?.inherits;
  }

  viewReads(view: string): string[] | undefined {
    return this.tables.get(tableKey(view))?.reads;
  }

  dependentViews(table: string): string[] {
    const key = tableKey(table);
    return [...this.tables].filter(([, state]) => state.reads?.includes(key)).map(([name]) => name);
  }

  tablesInSchema(schema: string): string[] {
    const found: string[] = [];
    for (const [name, state] of this.tables) {
      if (state.stub || state.reads !== undefined) continue;
      if (name.slice(0, name.indexOf('.')) === schema) found.push(name);
    }
    return found;
  }

  tablesWithColumnType(type: string): string[] {
    const found: string[] = [];
    for (const [name, state] of this.tables) {
      for (const column of state.columns.values()) {
        if (column.type === type) {
          found.push(name);
          break;
        }
      }
    }
    return found;
  }

  /** Whether the column is known to exist; undefined when the table's columns are not known. */
  columnExists(table: string, column: string): boolean | undefined {
    const state = this.tables.get(tableKey(table));
    if (!state?.columnsKnown) return undefined;
    if (state.columns.has(column)) return true;
    return state.columnsPartial || state.uncertainColumns?.has(column) ? undefined : false;
  }

  columnNotNull(table: string, column: string): boolean | undefined {
    const state = this.tables.get(tableKey(table));
    if (!state || state.uncertainColumns?.has(column)) return undefined;
    if (!state.columnsKnown) return state.nullability?.get(column);
    return state.columns.get(column)?.notNull;
  }

  // ---- loading -----------------------------------------------------------------------------------------

  loadSnapshot(snapshot: SchemaSnapshot): void {
    this.schemaKnown = true;
    this.foreignKeyIndex = undefined;
    for (const table of snapshot.tables) {
      const key = tableKey(table.name);
      const columns = new Map<string, ColumnInfo>();
      for (const column of table.columns ?? []) columns.set(column.name, { ...column });
      this.tables.set(key, {
        columns,
        constraints: new Map(),
        createdInMigration: false,
        createdInTransaction: false,
        columnsKnown: table.columns !== undefined,
      });
      if (table.rowCount !== undefined && !this.rows.has(key)) this.rows.set(key, table.rowCount);
      for (const index of table.indexes ?? []) {
        this.addIndex({ name: index.name, table: key, columns: index.columns, unique: index.unique ?? false });
      }
    }
  }

  /** Earlier migrations were replayed: their objects become pre-existing, not "created in this migration". */
  markHistoryLoaded(fromStart = true): void {
    if (fromStart) this.schemaKnown = true;
    for (const state of this.tables.values()) state.createdInMigration = false;
    this.addedColumns.clear();
    this.endTransaction();
  }

  /** A new migration file starts: what earlier files created is now pre-existing. */
  startMigration(): void {
    for (const state of this.tables.values()) state.createdInMigration = false;
    this.addedColumns.clear();
    this.nullOnlyColumns.clear();
    this.copies.clear();
    this.endTransaction();
  }

  /**
   * A migration between the last one replayed and the next could not be read: it may have created tables and
   * added columns to any table, so neither "this table does not exist" nor "this column does not exist" is a fact
   * any more. What is known is kept (the columns and their types as last read); tables created from here on are
   * fully known again. The same holds after a DO block runs schema changes built at run time.
   */
  forgetAfterUnknownChanges(): void {
    this.schemaKnown = false;
    for (const state of this.tables.values()) state.columnsPartial = true;
  }

  /**
   * A statement that may not have run (under an IF in a DO block) changed this table: the columns it added or
   * renamed are known, but one it renamed or dropped may still be there.
   */
  markChangedColumnsUncertain(ast: Node): void {
    const relation = changedRelation(ast);
    const state = relation ? this.tables.get(tableKey(relation)) : undefined;
    if (!state) return;
    // Only the columns the statement names are in doubt; a statement that names none it changes leaves all in doubt.
    const named = changedColumns(ast);
    if (!named) state.columnsPartial = true;
    // A new set, not an added member: a transaction's before-image may share the old one.
    else state.uncertainColumns = new Set([...(state.uncertainColumns ?? []), ...named]);
  }

  // ---- transactions ------------------------------------------------------------------------------------

  /** An explicit BEGIN: remember before-images so ROLLBACK can restore them. */
  beginTransaction(): void {
    this.undo = { tables: new Map(), indexes: new Map(), addedColumns: new Map(), functions: new Map() };
  }

  /** COMMIT, or the end of an autocommitted statement: nothing is "new in this transaction" any more. */
  endTransaction(): void {
    this.undo = undefined;
    for (const key of this.transactionTables) {
      const state = this.tables.get(key);
      if (state) state.createdInTransaction = false;
    }
    for (const constraint of this.transactionConstraints) constraint.addedInCurrentTransaction = false;
    this.transactionTables.clear();
    this.emptiedTables.clear();
    this.uniqueDroppedInTransaction.clear();
    this.transactionConstraints = [];
  }

  rollbackTransaction(): void {
    if (this.undo) {
      this.foreignKeyIndex = undefined;
      for (const [key, state] of this.undo.tables) {
        if (state) this.tables.set(key, state);
        else this.tables.delete(key);
      }
      for (const [key, index] of this.undo.indexes) this.putIndex(key, index);
      for (const [key, columns] of this.undo.addedColumns) {
        if (columns) this.addedColumns.set(key, columns);
        else this.addedColumns.delete(key);
      }
      for (const [name, info] of this.undo.functions) {
        if (info) this.functions.set(name, info);
        else this.functions.delete(name);
      }
    }
    this.endTransaction();
  }

  private touch(key: string): TableState | undefined {
    const state = this.tables.get(key);
    if (this.undo && !this.undo.tables.has(key)) this.undo.tables.set(key, state && cloneTable(state));
    return state;
  }

  private touchIndex(key: string): IndexInfo | undefined {
    const index = this.indexByName.get(key);
    if (this.undo && !this.undo.indexes.has(key)) this.undo.indexes.set(key, index && { ...index });
    return index;
  }

  // ---- changes -----------------------------------------------------------------------------------------

  createTable(table: string, columns: ColumnInfo[] | undefined, inTransaction: boolean): void {
    const key = tableKey(table);
    this.touch(key);
    const map = new Map<string, ColumnInfo>();
    for (const column of columns ?? []) map.set(column.name, column);
    this.countForeignKeysOf(key, -1);
    this.tables.set(key, {
      columns: map,
      constraints: new Map(),
      createdInMigration: true,
      createdInTransaction: inTransaction,
      columnsKnown: columns !== undefined,
    });
    if (inTransaction) this.transactionTables.add(key);
  }

  dropTable(table: string): void {
    const key = tableKey(table);
    this.touch(key);
    this.countForeignKeysOf(key, -1);
    this.tables.delete(key);
    for (const name of [...(this.indexesByTable.get(key) ?? [])]) {
      this.touchIndex(name);
      this.putIndex(name, undefined);
    }
    // A partitioned table's partitions go with it.
    for (const child of this.inheritors(key)) if (child.partition) this.dropTable(child.table);
  }

  /** RENAME TO (same schema) or SET SCHEMA (same name, `newSchema` given). */
  renameTable(table: string, newName: string, newSchema?: string): void {
    const key = tableKey(table);
    const state = this.touch(key);
    if (!state) return;
    const schema = newSchema ?? key.slice(0, key.indexOf('.'));
    const newKey = `${schema}.${newName}`;
    this.touch(newKey);
    this.countForeignKeysOf(key, -1);
    this.tables.delete(key);
    this.tables.set(newKey, state);
    this.countForeignKeysOf(newKey, 1);
    if (state.createdInTransaction) this.transactionTables.add(newKey);
    for (const name of [...(this.indexesByTable.get(key) ?? [])]) {
      const index = this.touchIndex(name);
      if (index) this.putIndex(name, { ...index, table: newKey });
    }
    const count = this.rows.get(key);
    if (count !== undefined) this.rows.set(newKey, count);
    // Foreign keys follow the table they reference (its own included): PostgreSQL keeps them by OID.
    this.updateReferencesTo(key, (references) => ({ ...references, table: newKey }));
  }

  /** Rewrites the `references` of every foreign key, in any table, that points at `key`; undefined keeps one. */
  private updateReferencesTo(
    key: string,
    update: (references: ForeignKeyTarget) => ForeignKeyTarget | undefined,
  ): void {
    for (const [name, state] of this.tables) {
      for (const [constraintName, constraint] of state.constraints) {
        if (constraint.references?.table !== key) continue;
        const references = update(constraint.references);
        if (!references) continue;
        const updated = { ...constraint, references };
        this.touch(name)?.constraints.set(constraintName, updated);
        this.countForeignKey(name, constraint, -1);
        this.countForeignKey(name, updated, 1);
      }
    }
  }

  /** Records how a table is placed: partitioned, a partition of, an inheritor of, or a view reading relations. */
  placeTable(
    table: string,
    placement: Pick<
      TableState,
      'partitioned' | 'partitionKey' | 'partitionOf' | 'defaultPartition' | 'inherits' | 'reads'
    >,
  ): void {
    const state = this.touch(tableKey(table));
    if (!state) return;
    Object.assign(state, placement);
    if (placement.partitionOf || placement.inherits?.length) this.hasInheritance = true;
  }

  addColumn(table: string, column: ColumnInfo): void {
    const key = tableKey(table);
    const state = this.touch(key);
    if (!state?.createdInMigration) this.changeAddedColumns(key, (columns) => columns.add(column.name));
    state?.columns.set(column.name, column);
    if (state && !column.hasDefault) {
      const columns = this.nullOnlyColumns.get(key) ?? new Set<string>();
      columns.add(column.name);
      this.nullOnlyColumns.set(key, columns);
    }
  }

  /** Added by this migration without a default and not written since: NULL in every row. */
  columnHoldsOnlyNull(table: string, column: string): boolean {
    return this.nullOnlyColumns.get(tableKey(table))?.has(column) === true;
  }

  /** An UPDATE set these columns (undefined: rows were inserted, so every column may hold values). */
  markColumnsWritten(table: string, columns: readonly string[] | undefined): void {
    const key = tableKey(table);
    if (columns === undefined) this.nullOnlyColumns.delete(key);
    else for (const column of columns) this.nullOnlyColumns.get(key)?.delete(column);
  }

  /** An UPDATE of every row set `column` (added by this migration) from `sources`, other columns of the table. */
  recordCopy(table: string, column: string, sources: readonly string[]): void {
    const key = tableKey(table);
    const columns = this.copies.get(key) ?? new Map<string, Set<string>>();
    columns.set(column, new Set(sources));
    this.copies.set(key, columns);
  }

  /** The columns whose values `column` (added by this migration) was filled from; undefined when it was not. */
  copiedFrom(table: string, column: string): ReadonlySet<string> | undefined {
    return this.copies.get(tableKey(table))?.get(column);
  }

  /** Some column this migration added holds a copy of `source`'s values. */
  columnCopied(table: string, source: string): boolean {
    for (const sources of this.copies.get(tableKey(table))?.values() ?? []) if (sources.has(source)) return true;
    return false;
  }

  /**
   * The columns of each unique index or key of the table dropped earlier in the open transaction: the transaction
   * has held the table's ACCESS EXCLUSIVE lock since, so no row written meanwhile can break that uniqueness.
   */
  uniqueKeysDroppedInCurrentTransaction(table: string): readonly string[][] {
    return this.uniqueDroppedInTransaction.get(tableKey(table)) ?? [];
  }

  private rememberDroppedUnique(table: string, columns: string[]): void {
    if (!this.undo) return;
    const key = tableKey(table);
    this.uniqueDroppedInTransaction.set(key, [...(this.uniqueDroppedInTransaction.get(key) ?? []), columns]);
  }

  /** Added to the existing table by this migration (a temporary column a later statement renames, say). */
  columnAddedInThisMigration(table: string, column: string): boolean {
    return this.addedColumns.get(tableKey(table))?.has(column) === true;
  }

  private changeAddedColumns(key: string, change: (columns: Set<string>) => void): void {
    if (this.undo && !this.undo.addedColumns.has(key))
      this.undo.addedColumns.set(key, this.addedColumns.has(key) ? new Set(this.addedColumns.get(key)) : undefined);
    const columns = this.addedColumns.get(key) ?? new Set<string>();
    change(columns);
    this.addedColumns.set(key, columns);
  }

  dropColumn(table: string, column: string): void {
    const key = tableKey(table);
    if (this.addedColumns.get(key)?.has(column)) this.changeAddedColumns(key, (columns) => columns.delete(column));
    const state = this.touch(key);
    if (!state) return;
    state.columns.delete(column);
    state.nullability?.delete(column);
    for (const [name, constraint] of state.constraints) {
      if (!constraint.columns.includes(column)) continue;
      state.constraints.delete(name);
      this.countForeignKey(key, constraint, -1);
    }
  }

  renameColumn(table: string, column: string, newName: string): void {
    const key = tableKey(table);
    if (this.addedColumns.get(key)?.has(column))
      this.changeAddedColumns(key, (columns) => columns.delete(column) && columns.add(newName));
    const state = this.touch(key);
    const nullability = state?.nullability?.get(column);
    if (state?.nullability && nullability !== undefined) {
      state.nullability.delete(column);
      state.nullability.set(newName, nullability);
    }
    if (state?.partitionKey?.includes(column))
      state.partitionKey = state.partitionKey.map((each) => (each === column ? newName : each));
    const info = state?.columns.get(column);
    if (!state || !info) return;
    state.columns.delete(column);
    state.columns.set(newName, { ...info, name: newName });
    const copied = this.copies.get(key)?.get(column);
    if (copied) {
      this.copies.get(key)?.delete(column);
      this.copies.get(key)?.set(newName, copied);
    }
    const renamed = (columns: string[]) => columns.map((each) => (each === column ? newName : each));
    for (const [name, constraint] of state.constraints) {
      if (!constraint.columns.includes(column) && constraint.notNullColumn !== column) continue;
      state.constraints.set(name, {
        ...constraint,
        columns: renamed(constraint.columns),
        ...(constraint.notNullColumn === column ? { notNullColumn: newName } : {}),
      });
    }
    // Indexes and the foreign keys that reference the column follow it, as PostgreSQL keeps them by attribute number.
    for (const name of [...(this.indexesByTable.get(key) ?? [])]) {
      const index = this.indexByName.get(name);
      if (!index?.columns.includes(column) && !index?.notNullPredicate?.includes(column)) continue;
      this.touchIndex(name);
      const predicate = index.notNullPredicate ? { notNullPredicate: renamed(index.notNullPredicate) } : {};
      this.putIndex(name, { ...index, columns: renamed(index.columns), ...predicate });
    }
    this.updateReferencesTo(key, (references) =>
      references.columns.includes(column) ? { ...references, columns: renamed(references.columns) } : undefined,
    );
  }

  tablesWithTriggerCalling(functionName: string): string[] {
    const name = functionName.toLowerCase();
    const found: string[] = [];
    for (const [key, state] of this.tables)
      if (state.triggers && some(state.triggers.values(), (trigger) => trigger.function === name)) found.push(key);
    return found;
  }

  /** CREATE [OR REPLACE] TRIGGER (info undefined: DROP TRIGGER). */
  setTrigger(table: string, trigger: string, info: TriggerInfo | undefined): void {
    const state = this.touch(tableKey(table));
    if (!state) return;
    // A new map, not a changed one: a transaction's before-image may share the old one.
    const triggers = new Map(state.triggers);
    if (info) triggers.set(trigger, { ...info, function: info.function.toLowerCase() });
    else triggers.delete(trigger);
    state.triggers = triggers;
  }

  triggersOf(table: string): Iterable<TriggerInfo> {
    return this.tables.get(tableKey(table))?.triggers?.values() ?? [];
  }

  /** DROP FUNCTION … CASCADE drops the triggers that execute it. */
  dropTriggersCalling(functionName: string): void {
    const name = functionName.toLowerCase();
    for (const key of this.tablesWithTriggerCalling(name))
      for (const [trigger, info] of this.tables.get(key)?.triggers ?? [])
        if (info.function === name) this.setTrigger(key, trigger, undefined);
  }

  functionVolatility(name: string): FunctionVolatility | undefined {
    return this.functions.get(name.toLowerCase())?.volatility;
  }

  functionInfo(name: string): FunctionInfo | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** CREATE [OR REPLACE] FUNCTION (info undefined: DROP FUNCTION). */
  defineFunction(name: string, info: FunctionInfo | undefined): void {
    const key = name.toLowerCase();
    if (this.undo && !this.undo.functions.has(key)) this.undo.functions.set(key, this.functions.get(key));
    if (info) this.functions.set(key, info);
    else this.functions.delete(key);
  }

  /** ALTER SEQUENCE … RENAME: the serial or identity column that owns it follows (a later drop locks the new name). */
  renameSequence(sequence: string, newName: string): void {
    const renamed = `${sequence.slice(0, sequence.indexOf('.'))}.${newName}`;
    for (const [key, state] of this.tables)
      for (const column of state.columns.values())
        if (ownedSequence(key, column) === sequence) this.updateColumn(key, column.name, { sequence: renamed });
  }

  updateColumn(table: string, column: string, change: Partial<Omit<ColumnInfo, 'name'>>): void {
    const state = this.touch(tableKey(table));
    const info = state?.columns.get(column);
    if (state && info) state.columns.set(column, { ...info, ...change });
  }

  /** SET / DROP NOT NULL: also remembered on a table whose columns are not known (SET NOT NULL twice scans once). */
  setColumnNotNull(table: string, column: string, notNull: boolean): void {
    const key = tableKey(table);
    const state = this.touch(key) ?? this.stub(key);
    if (state.columnsKnown) {
      this.updateColumn(key, column, { notNull });
      return;
    }
    state.nullability ??= new Map();
    state.nullability.set(column, notNull);
  }

  /** A table never seen: its constraints and nullability are remembered (NOT VALID then VALIDATE, CHECK proofs). */
  private stub(key: string): TableState {
    const state: TableState = {
      columns: new Map(),
      constraints: new Map(),
      createdInMigration: false,
      createdInTransaction: false,
      columnsKnown: false,
      stub: true,
    };
    this.tables.set(key, state);
    return state;
  }

  addConstraint(table: string, constraint: ConstraintInfo): void {
    const key = tableKey(table);
    const state = this.touch(key) ?? this.stub(key);
    this.countForeignKey(key, state.constraints.get(constraint.name), -1);
    state.constraints.set(constraint.name, constraint);
    this.countForeignKey(key, constraint, 1);
    if (constraint.addedInCurrentTransaction) this.transactionConstraints.push(constraint);
  }

  validateConstraint(table: string, name: string): void {
    const state = this.touch(tableKey(table));
    const constraint = state?.constraints.get(name);
    if (state && constraint) state.constraints.set(name, { ...constraint, validated: true });
  }

  dropConstraint(table: string, name: string): void {
    const constraints = this.touch(tableKey(table))?.constraints;
    const dropped = constraints?.get(name);
    if (dropped && (dropped.kind === 'unique' || dropped.kind === 'primary-key') && dropped.validated)
      this.rememberDroppedUnique(table, dropped.columns);
    if (constraints?.delete(name)) this.countForeignKey(tableKey(table), dropped, -1);
  }

  addIndex(index: IndexInfo): void {
    const key = tableKey(index.name);
    this.touchIndex(key);
    this.putIndex(key, { ...index, name: key });
  }

  dropIndex(index: string): void {
    const key = tableKey(index);
    const dropped = this.touchIndex(key);
    if (dropped?.unique && dropped.partial === false) this.rememberDroppedUnique(dropped.table, dropped.columns);
    this.putIndex(key, undefined);
  }

  renameIndex(index: string, newName: string): void {
    const key = tableKey(index);
    const info = this.touchIndex(key);
    if (!info) return;
    const schema = key.slice(0, key.indexOf('.'));
    const newKey = `${schema}.${newName}`;
    this.touchIndex(newKey);
    this.putIndex(key, undefined);
    this.putIndex(newKey, { ...info, name: newKey });
  }

  /** All known table keys (for reports); tables known only through their constraints are left out. */
  tableKeys(): string[] {
    return [...this.tables].filter(([, state]) => state.stub !== true).map(([key]) => key);
  }
}

function cloneTable(state: TableState): TableState {
  return {
    ...state,
    columns: new Map(state.columns),
    constraints: new Map(state.constraints),
    ...(state.triggers ? { triggers: new Map(state.triggers) } : {}),
    ...(state.nullability ? { nullability: new Map(state.nullability) } : {}),
  };
}

/**
 * Whether an index of the table starts with exactly these columns, in order (what a foreign key needs).
 * The engine's catalog keeps the leading column lists of every index up to date, so checking thousands of
 * foreign keys does not rescan every index each time; other catalog views are scanned.
 */
export function hasIndexStartingWith(catalog: CatalogView, table: string, columns: readonly string[]): boolean {
  if (catalog instanceof MigrationCatalog) return catalog.hasIndexStartingWith(table, columns);
  const wanted = prefixKey(columns);
  return catalog
    .indexes(table)
    .some((index) => servesLookupsOn(index, columns) && prefixKey(index.columns.slice(0, columns.length)) === wanted);
}

/**
 * Whether a lookup by equality on these columns can use the index: a partial one only when its WHERE follows from
 * that equality (`col IS NOT NULL` on them). PostgreSQL 15 plans `DELETE FROM ONLY oauth_consents WHERE client_id
 * = $1` (an ON DELETE CASCADE) as a scan although an index on (client_id) WHERE revoked_at IS NULL exists.
 */
function servesLookupsOn(index: IndexInfo, columns: readonly string[]): boolean {
  if (index.partial !== true) return true;
  return index.notNullPredicate?.every((column) => columns.includes(column)) === true;
}

/**
 * An index (or key) whose leading columns are the foreign key's, in any order, serves the lookup PostgreSQL runs
 * on each delete or key update of the referenced row; so does a unique one on some of them, which matches at most
 * one row (ente: trash's PRIMARY KEY (file_id) for the key (file_id, collection_id)).
 */
export function foreignKeyLookupIndexed(catalog: CatalogView, table: string, columns: string[]): boolean {
  const wanted = new Set(columns);
  const leading = (keyColumns: string[]) =>
    keyColumns.length >= columns.length && keyColumns.slice(0, columns.length).every((column) => wanted.has(column));
  const uniqueWithin = (keyColumns: string[]) =>
    keyColumns.length > 0 && keyColumns.every((column) => wanted.has(column));
  if (hasIndexStartingWith(catalog, table, columns)) return true;
  // One column: a unique key within it starts with it, and the lookup above found it.
  if (columns.length < 2) return false;
  return (
    catalog.indexes(table).some((index) => index.unique && index.partial === false && uniqueWithin(index.columns)) ||
    some(
      catalog.constraints(table),
      (constraint) =>
        (constraint.kind === 'primary-key' || constraint.kind === 'unique') &&
        (leading(constraint.columns) || uniqueWithin(constraint.columns)),
    )
  );
}

/** CREATE INDEX IF NOT EXISTS naming an index the schema already has in the table's schema: nothing is built. */
export function existingIndexNamed(
  catalog: CatalogView,
  table: string,
  stmt: { if_not_exists?: boolean; idxname?: string },
): boolean {
  if (!stmt.if_not_exists || !stmt.idxname) return false;
  return catalog.indexTable(`${table.slice(0, table.indexOf('.'))}.${stmt.idxname}`) !== undefined;
}

/** The leading columns of an index as a set: the order of equality conditions does not matter to a lookup. */
function prefixKey(columns: readonly string[]): string {
  return [...columns].sort().join('\u0000');
}

/** The columns an ALTER TABLE or RENAME COLUMN adds, drops, retypes or renames; undefined for other changes. */
function changedColumns(ast: Node): string[] | undefined {
  if ('RenameStmt' in ast) {
    const stmt = ast.RenameStmt;
    return stmt.renameType === 'OBJECT_COLUMN' && stmt.subname && stmt.newname
      ? [stmt.subname, stmt.newname]
      : undefined;
  }
  if (!('AlterTableStmt' in ast)) return undefined;
  const columns: string[] = [];
  for (const item of ast.AlterTableStmt.cmds ?? []) {
    const cmd = 'AlterTableCmd' in item ? item.AlterTableCmd : undefined;
    const added = cmd?.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef.colname : undefined;
    const name = cmd?.subtype === 'AT_AddColumn' ? added : cmd?.name;
    if (!name) return undefined;
    columns.push(name);
  }
  return columns;
}

/** The table an ALTER TABLE or RENAME changes. */
function changedRelation(ast: Node): string | undefined {
  if ('AlterTableStmt' in ast) return relationKey(ast.AlterTableStmt.relation);
  if ('RenameStmt' in ast) return relationKey(ast.RenameStmt.relation);
  return undefined;
}
