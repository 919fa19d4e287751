import type { AlterTableStmt, CreateStmt, Node, SelectStmt } from 'libpg-query';
import { columnInfo, constraintInfo, nodeType, typeNameText } from './ast.js';
import type { MigrationCatalog } from './catalog.js';
import type { DoBlockBody } from './do-blocks.js';
import type { StatementLock } from './locks.js';
import { namesOf, objectKey, relationKey } from './names.js';
import { queryRelations } from './query-relations.js';
import { functionInfo, triggerInfo } from './trigger-functions.js';

/**
 * The session a migration runs in, as far as the safety rules care: the transaction block, the timeouts set so
 * far, the ACCESS EXCLUSIVE locks held by the open transaction, and the catalog. `apply` moves it past one
 * statement; rules see the state from before the statement.
 */
export class SessionState {
  inTransaction: boolean;
  /** Explicit BEGIN seen (as opposed to the migration tool's wrapping). */
  explicitTransaction = false;
  /**
   * The open transaction is implicit: a DO block's outside a transaction block, or that of a file sent as one
   * query, which a BEGIN turns into an explicit one.
   */
  implicitTransaction = false;
  lockTimeoutSet = false;
  statementTimeoutSet = false;
  /** Numbers the transaction blocks, so what is remembered about one is never taken for the next one's. */
  transaction = 0;
  readonly accessExclusiveHeld = new Set<string>();
  /** SET LOCAL values end with the transaction; remember what to restore. */
  private localSettings: {
    lock?: boolean;
    statement?: boolean;
    timeZone?: boolean;
    searchPath?: { before: string[] | undefined };
  } = {};
  /** `SET TIME ZONE 'UTC'` seen: timestamp ↔ timestamptz changes skip their rewrite (PostgreSQL 12+). */
  timeZoneUtc = false;
  /** The schemas of the session's `SET search_path`, in order; undefined: the default (public). */
  searchPath: string[] | undefined;

  /**
   * `oneQuery`: the file is sent as one query of several statements, so every statement runs in a transaction
   * (implicit outside the file's own BEGIN … COMMIT; after a COMMIT the next one starts).
   */
  constructor(
    readonly catalog: MigrationCatalog,
    readonly assumeInTransaction: boolean,
    private readonly oneQuery = false,
  ) {
    this.inTransaction = assumeInTransaction;
    if (assumeInTransaction) {
      catalog.beginTransaction();
      this.transaction++;
    } else if (oneQuery) this.beginImplicitTransaction();
  }

  /**
   * Move past one statement; `locks` are the locks it took (for the ACCESS EXCLUSIVE set). `conditional`: a DO
   * block runs it under IF, CASE, a loop or a handler, so the columns it changes may or may not have changed, and a
   * table it empties may still hold rows.
   */
  apply(ast: Node, locks: StatementLock[], { conditional = false }: { conditional?: boolean } = {}): void {
    const type = nodeType(ast);
    if (type === 'TransactionStmt') {
      this.applyTransaction((ast as { TransactionStmt: import('libpg-query').TransactionStmt }).TransactionStmt.kind);
      return;
    }
    if (type === 'VariableSetStmt') {
      this.applySet((ast as { VariableSetStmt: import('libpg-query').VariableSetStmt }).VariableSetStmt);
    } else {
      for (const set of setConfigCalls(ast)) this.applySet(set);
      applySchemaChange(this.catalog, ast, this.inTransaction);
      trackWrittenColumns(this.catalog, ast, conditional);
    }
    if (this.inTransaction) {
      trackEmptiedTables(this.catalog, ast, conditional);
      for (const lock of locks) {
        // An index's own lock keeps no reader out of a table (its table's lock, listed beside it, does); nor does
        // the lock on the sequence a dropped table's serial column owned. The table of an index the schema does
        // not know is locked too, unnamed: it is held as `index:<index>`.
        if (lock.on === 'sequence') continue;
        // (The lock map lists a dropped index's table beside it exactly when the schema knows the index.)
        if (lock.on === 'index' && (type !== 'DropStmt' || locks.some((other) => other.on === 'table'))) continue;
        const held = lock.on === 'index' ? `index:${lock.table}` : lock.table;
        if (lock.mode === 'ACCESS EXCLUSIVE' && !this.catalog.tableCreatedInCurrentTransaction(lock.table)) {
          this.accessExclusiveHeld.add(held);
        }
      }
    } else {
      // Autocommit: the statement was its own transaction.
      this.catalog.endTransaction();
    }
    if (conditional) this.catalog.markChangedColumnsUncertain(ast);
  }

  /** After the statements of a DO block: SQL it builds at run time may have changed anything. */
  afterDoBlock(body: DoBlockBody): void {
    if (body.dynamicDdl.some((dynamic) => dynamic.changesSchema)) this.catalog.forgetAfterUnknownChanges();
  }

  /** A DO block outside a transaction block: the statements it runs share one implicit transaction. */
  beginImplicitTransaction(): void {
    this.catalog.beginTransaction();
    this.transaction++;
    this.inTransaction = true;
    this.implicitTransaction = true;
  }

  endImplicitTransaction(): void {
    this.endTransaction(false);
  }

  private applyTransaction(kind: string | undefined): void {
    switch (kind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START':
        if (!this.inTransaction) {
          this.catalog.beginTransaction();
          this.transaction++;
        }
        this.inTransaction = true;
        this.explicitTransaction = true;
        this.implicitTransaction = false;
        break;
      case 'TRANS_STMT_COMMIT':
      case 'TRANS_STMT_COMMIT_PREPARED':
      case 'TRANS_STMT_PREPARE':
        this.endTransaction(false);
        if (this.oneQuery) this.beginImplicitTransaction();
        break;
      case 'TRANS_STMT_ROLLBACK':
      case 'TRANS_STMT_ROLLBACK_PREPARED':
        this.endTransaction(true);
        if (this.oneQuery) this.beginImplicitTransaction();
        break;
      default:
        break;
    }
  }

  private endTransaction(rollback: boolean): void {
    if (rollback) this.catalog.rollbackTransaction();
    else this.catalog.endTransaction();
    this.inTransaction = false;
    this.explicitTransaction = false;
    this.implicitTransaction = false;
    this.accessExclusiveHeld.clear();
    if (this.localSettings.lock !== undefined) this.lockTimeoutSet = this.localSettings.lock;
    if (this.localSettings.statement !== undefined) this.statementTimeoutSet = this.localSettings.statement;
    if (this.localSettings.timeZone !== undefined) this.timeZoneUtc = this.localSettings.timeZone;
    if (this.localSettings.searchPath) this.searchPath = this.localSettings.searchPath.before;
    this.localSettings = {};
  }

  private applySet(stmt: import('libpg-query').VariableSetStmt): void {
    const name = stmt.name?.toLowerCase();
    if (name === 'search_path') {
      if (stmt.is_local && !this.inTransaction) return;
      if (stmt.is_local) this.localSettings.searchPath ??= { before: this.searchPath };
      const schemas = (stmt.args ?? []).flatMap((arg) => {
        const value = 'A_Const' in arg ? arg.A_Const.sval?.sval : undefined;
        return value && value !== '$user' ? [value] : [];
      });
      this.searchPath = stmt.kind === 'VAR_SET_VALUE' && schemas.length > 0 ? schemas : undefined;
      return;
    }
    if (name === 'timezone') {
      if (stmt.is_local && !this.inTransaction) return;
      if (stmt.is_local && this.localSettings.timeZone === undefined) this.localSettings.timeZone = this.timeZoneUtc;
      this.timeZoneUtc = stmt.kind === 'VAR_SET_VALUE' && isUtc(stmt.args);
      return;
    }
    if (name !== 'lock_timeout' && name !== 'statement_timeout') return;
    const value = stmt.kind === 'VAR_SET_VALUE' ? timeoutIsSet(stmt.args) : false;
    const key = name === 'lock_timeout' ? 'lock' : 'statement';
    // SET LOCAL outside a transaction block has no effect (PostgreSQL warns).
    if (stmt.is_local && !this.inTransaction) return;
    if (stmt.is_local && this.localSettings[key] === undefined) {
      this.localSettings[key] = key === 'lock' ? this.lockTimeoutSet : this.statementTimeoutSet;
    }
    if (key === 'lock') this.lockTimeoutSet = value;
    else this.statementTimeoutSet = value;
  }
}

/**
 * `SELECT set_config('lock_timeout', '5s', false)`, the function form of SET (is_local true: SET LOCAL), as the
 * SET statements it stands for. Only a SELECT of constants and set_config calls: no table, no condition.
 */
function setConfigCalls(ast: Node): import('libpg-query').VariableSetStmt[] {
  const select = nodeType(ast) === 'SelectStmt' ? (ast as { SelectStmt: SelectStmt }).SelectStmt : undefined;
  if (!select || select.fromClause || select.whereClause || !select.targetList) return [];
  const sets: import('libpg-query').VariableSetStmt[] = [];
  for (const target of select.targetList) {
    const expression = 'ResTarget' in target ? target.ResTarget.val : undefined;
    const call = expression && 'FuncCall' in expression ? expression.FuncCall : undefined;
    const names = namesOf(call?.funcname);
    if (names[names.length - 1] !== 'set_config' || call?.args?.length !== 3) continue;
    const [name, value, local] = call.args.map((arg) => ('A_Const' in arg ? arg.A_Const : undefined));
    const setting = name?.sval?.sval;
    if (!setting || !value?.sval || local?.boolval === undefined) continue;
    sets.push({
      name: setting,
      kind: 'VAR_SET_VALUE',
      args: [{ A_Const: value }],
      is_local: local.boolval.boolval === true,
    });
  }
  return sets;
}

/** Which tables the open transaction has emptied: no rows for a NOT NULL column to fail on. */
function trackEmptiedTables(catalog: MigrationCatalog, ast: Node, conditional: boolean): void {
  const type = nodeType(ast);
  // A DO block's TRUNCATE or DELETE under IF or in a loop may not run: the table may still hold its rows.
  if (conditional && (type === 'TruncateStmt' || type === 'DeleteStmt')) return;
  if (type === 'TruncateStmt') {
    for (const relation of (ast as { TruncateStmt: import('libpg-query').TruncateStmt }).TruncateStmt.relations ?? []) {
      const key = 'RangeVar' in relation ? relationKey(relation.RangeVar) : undefined;
      if (key) catalog.markEmptied(key, true);
    }
  } else if (type === 'DeleteStmt') {
    const stmt = (ast as { DeleteStmt: import('libpg-query').DeleteStmt }).DeleteStmt;
    const key = relationKey(stmt.relation);
    if (key && !stmt.whereClause && !stmt.usingClause) catalog.markEmptied(key, true);
  } else if (type === 'InsertStmt' || type === 'MergeStmt' || type === 'CopyStmt') {
    const key = relationKey((ast as Record<string, { relation?: import('libpg-query').RangeVar }>)[type]?.relation);
    if (key) catalog.markEmptied(key, false);
  }
}

/**
 * Rows written since a column was added: an UPDATE sets its columns; INSERT, MERGE and COPY any column. A copy into
 * a new column counts only when the UPDATE surely runs (not under a DO block's IF or loop).
 */
function trackWrittenColumns(catalog: MigrationCatalog, ast: Node, conditional: boolean): void {
  if ('UpdateStmt' in ast) {
    const key = relationKey(ast.UpdateStmt.relation);
    const columns = (ast.UpdateStmt.targetList ?? []).flatMap((target) =>
      'ResTarget' in target && target.ResTarget.name ? [target.ResTarget.name] : [],
    );
    if (key) catalog.markColumnsWritten(key, columns);
    if (key && !conditional) recordCopies(catalog, key, ast.UpdateStmt);
  } else if ('InsertStmt' in ast || 'MergeStmt' in ast || 'CopyStmt' in ast) {
    const type = nodeType(ast);
    const key = relationKey((ast as Record<string, { relation?: import('libpg-query').RangeVar }>)[type]?.relation);
    if (key) catalog.markColumnsWritten(key, undefined);
  } else if ('AlterTableStmt' in ast) {
    // A new type USING an expression may fill the column.
    const key = relationKey(ast.AlterTableStmt.relation);
    const retyped = (ast.AlterTableStmt.cmds ?? []).flatMap((item) =>
      'AlterTableCmd' in item && item.AlterTableCmd.subtype === 'AT_AlterColumnType' && item.AlterTableCmd.name
        ? [item.AlterTableCmd.name]
        : [],
    );
    if (key && retyped.length > 0) catalog.markColumnsWritten(key, retyped);
  }
}

/**
 * `UPDATE t SET tmp = old::newtype` (every row, or every row where the source IS NOT NULL) into a column this
 * migration added: tmp holds old's values, so dropping old and renaming tmp to old keeps the data.
 */
function recordCopies(catalog: MigrationCatalog, table: string, stmt: import('libpg-query').UpdateStmt): void {
  if (stmt.fromClause?.length) return;
  const where = stmt.whereClause;
  const guard =
    where && 'NullTest' in where && where.NullTest.nulltesttype === 'IS_NOT_NULL' && where.NullTest.arg
      ? columnNames(where.NullTest.arg)
      : undefined;
  if (where && !guard) return;
  for (const target of stmt.targetList ?? []) {
    if (!('ResTarget' in target) || !target.ResTarget.name || !target.ResTarget.val) continue;
    const column = target.ResTarget.name;
    if (!catalog.columnAddedInThisMigration(table, column)) continue;
    const sources = columnNames(target.ResTarget.val).filter(
      (source) => source !== column && catalog.columnExists(table, source) === true,
    );
    if (sources.length > 0 && (!guard || guard.every((name) => sources.includes(name))))
      catalog.recordCopy(table, column, sources);
  }
}

/** The column names an expression refers to (the last part of each column reference). */
function columnNames(node: unknown, found: string[] = []): string[] {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) columnNames(item, found);
    return found;
  }
  const record = node as Record<string, unknown>;
  const ref = record.ColumnRef as { fields?: Node[] } | undefined;
  if (ref) {
    const last = ref.fields?.at(-1);
    const name = last && 'String' in last ? last.String.sval : undefined;
    if (name && !found.includes(name)) found.push(name);
    return found;
  }
  for (const value of Object.values(record)) columnNames(value, found);
  return found;
}

/** The zone names PostgreSQL resolves to UTC itself (a server's default zone is not known, so it counts as not UTC). */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'zulu', 'etc/zulu', 'universal', 'etc/universal', 'gmt', 'etc/gmt']);

function isUtc(args: Node[] | undefined): boolean {
  const first = args?.[0];
  if (!first || !('A_Const' in first)) return false;
  const value = first.A_Const.sval?.sval;
  if (value !== undefined) return UTC_NAMES.has(value.toLowerCase());
  return (first.A_Const.ival?.ival ?? 0) === 0 && first.A_Const.ival !== undefined;
}

/** `SET lock_timeout = 0` (or '0', '0ms') disables the timeout; DEFAULT resets it to the server's (0). */
function timeoutIsSet(args: Node[] | undefined): boolean {
  const first = args?.[0];
  if (!first || !('A_Const' in first)) return false;
  const constant = first.A_Const;
  if (constant.ival !== undefined) return (constant.ival.ival ?? 0) !== 0;
  if (constant.fval !== undefined) return Number(constant.fval.fval ?? '0') !== 0;
  if (constant.sval !== undefined) return !/^\s*0+(\.0*)?\s*(ms|s|min|h|d|us)?\s*$/i.test(constant.sval.sval ?? '');
  return false;
}

/** Records what a statement creates, drops, renames or changes in the catalog. */
export function applySchemaChange(catalog: MigrationCatalog, ast: Node, inTransaction: boolean): void {
  switch (nodeType(ast)) {
    case 'CreateStmt':
      createTable(catalog, (ast as { CreateStmt: CreateStmt }).CreateStmt, inTransaction);
      break;
    case 'CreateTableAsStmt': {
      const stmt = (ast as { CreateTableAsStmt: import('libpg-query').CreateTableAsStmt }).CreateTableAsStmt;
      const key = relationKey(stmt.into?.rel);
      if (key && !(stmt.if_not_exists && catalog.tableExists(key))) {
        catalog.createTable(key, undefined, inTransaction);
        if (stmt.objtype === 'OBJECT_MATVIEW') catalog.placeTable(key, { reads: queryRelations(stmt.query) });
      }
      break;
    }
    case 'ViewStmt': {
      const stmt = (ast as { ViewStmt: import('libpg-query').ViewStmt }).ViewStmt;
      const key = relationKey(stmt.view);
      if (key) {
        catalog.createTable(key, undefined, inTransaction);
        catalog.placeTable(key, { reads: queryRelations(stmt.query) });
      }
      break;
    }
    case 'AlterTableStmt':
      alterTable(catalog, (ast as { AlterTableStmt: AlterTableStmt }).AlterTableStmt, inTransaction);
      break;
    case 'RenameStmt': {
      const stmt = (ast as { RenameStmt: import('libpg-query').RenameStmt }).RenameStmt;
      const key = relationKey(stmt.relation);
      if (!key || !stmt.newname) break;
      if (
        stmt.renameType === 'OBJECT_TABLE' ||
        stmt.renameType === 'OBJECT_VIEW' ||
        stmt.renameType === 'OBJECT_MATVIEW'
      ) {
        catalog.renameTable(key, stmt.newname);
      } else if (stmt.renameType === 'OBJECT_COLUMN' && stmt.subname) {
        catalog.renameColumn(key, stmt.subname, stmt.newname);
      } else if (stmt.renameType === 'OBJECT_INDEX') {
        catalog.renameIndex(key, stmt.newname);
      } else if (stmt.renameType === 'OBJECT_SEQUENCE') {
        catalog.renameSequence(key, stmt.newname);
      } else if (stmt.renameType === 'OBJECT_TABCONSTRAINT' && stmt.subname) {
        const constraint = catalog.constraint(key, stmt.subname);
        if (constraint) {
          catalog.dropConstraint(key, stmt.subname);
          catalog.addConstraint(key, { ...constraint, name: stmt.newname });
        }
      }
      break;
    }
    case 'AlterObjectSchemaStmt': {
      const stmt = (ast as { AlterObjectSchemaStmt: import('libpg-query').AlterObjectSchemaStmt })
        .AlterObjectSchemaStmt;
      const key = relationKey(stmt.relation);
      if (key && stmt.newschema && stmt.objectType === 'OBJECT_TABLE') {
        catalog.renameTable(key, stmt.relation?.relname ?? '', stmt.newschema);
      }
      break;
    }
    case 'CreateTrigStmt': {
      const stmt = (ast as { CreateTrigStmt: import('libpg-query').CreateTrigStmt }).CreateTrigStmt;
      const table = relationKey(stmt.relation);
      const info = triggerInfo(stmt);
      if (table && stmt.trigname && info) catalog.setTrigger(table, stmt.trigname, info);
      break;
    }
    case 'CreateFunctionStmt': {
      const stmt = (ast as { CreateFunctionStmt: import('libpg-query').CreateFunctionStmt }).CreateFunctionStmt;
      const name = namesOf(stmt.funcname).at(-1);
      if (name && !stmt.is_procedure) catalog.defineFunction(name, functionInfo(stmt));
      break;
    }
    case 'DropStmt': {
      const stmt = (ast as { DropStmt: import('libpg-query').DropStmt }).DropStmt;
      if (stmt.removeType === 'OBJECT_FUNCTION')
        for (const object of stmt.objects ?? []) {
          const name = 'ObjectWithArgs' in object ? namesOf(object.ObjectWithArgs.objname).at(-1) : undefined;
          if (name) catalog.defineFunction(name, undefined);
          if (name && stmt.behavior === 'DROP_CASCADE') catalog.dropTriggersCalling(name);
        }
      if (stmt.removeType === 'OBJECT_TRIGGER')
        for (const object of stmt.objects ?? []) {
          // DROP TRIGGER name ON table: the list is [schema?, table, trigger].
          const items = 'List' in object ? (object.List.items ?? []) : [];
          const table = objectKey(items.slice(0, -1));
          const trigger = namesOf(items).at(-1);
          if (table && trigger) catalog.setTrigger(table, trigger, undefined);
        }
      for (const object of stmt.objects ?? []) {
        const key = 'List' in object ? objectKey(object.List.items) : undefined;
        if (!key) continue;
        if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(stmt.removeType ?? '')) {
          catalog.dropTable(key);
        } else if (stmt.removeType === 'OBJECT_INDEX') {
          catalog.dropIndex(key);
        }
      }
      break;
    }
    case 'IndexStmt': {
      const stmt = (ast as { IndexStmt: import('libpg-query').IndexStmt }).IndexStmt;
      const table = relationKey(stmt.relation);
      if (!table) break;
      const schema = table.slice(0, table.indexOf('.'));
      const columns: string[] = [];
      for (const param of stmt.indexParams ?? []) {
        if ('IndexElem' in param) columns.push(param.IndexElem.name ?? '(expression)');
      }
      const name = stmt.idxname ?? `${table.slice(schema.length + 1)}_${columns.join('_')}_idx`;
      catalog.addIndex({
        name: `${schema}.${name}`,
        table,
        columns,
        unique: stmt.unique === true,
        partial: stmt.whereClause !== undefined,
        ...notNullPredicate(stmt.whereClause),
      });
      break;
    }
    default:
      break;
  }
}

/** `{ notNullPredicate }` when an index's WHERE is only `col IS NOT NULL` tests (joined by AND); else nothing. */
function notNullPredicate(where: Node | undefined): { notNullPredicate?: string[] } {
  if (!where) return {};
  const bool = 'BoolExpr' in where ? where.BoolExpr : undefined;
  const tests = bool?.boolop === 'AND_EXPR' ? (bool.args ?? []) : bool ? [] : [where];
  const columns: string[] = [];
  for (const test of tests) {
    const nullTest = 'NullTest' in test ? test.NullTest : undefined;
    const column = nullTest?.nulltesttype === 'IS_NOT_NULL' ? namesOf(columnFields(nullTest.arg)).at(-1) : undefined;
    if (!column) return {};
    columns.push(column);
  }
  return columns.length > 0 ? { notNullPredicate: columns } : {};
}

function columnFields(node: Node | undefined): Node[] | undefined {
  return node && 'ColumnRef' in node ? node.ColumnRef.fields : undefined;
}

/** PARTITION BY's columns ('' for an expression). */
export function partitionKeyOf(spec: NonNullable<CreateStmt['partspec']>): string[] {
  return (spec.partParams ?? []).map((param) => ('PartitionElem' in param ? (param.PartitionElem.name ?? '') : ''));
}

function createTable(catalog: MigrationCatalog, stmt: CreateStmt, inTransaction: boolean): void {
  const key = relationKey(stmt.relation);
  if (!key) return;
  if (stmt.if_not_exists && catalog.tableExists(key)) return;
  // LIKE and PARTITION OF/INHERITS copy columns we may not know.
  const opaque =
    (stmt.tableElts ?? []).some((element) => 'TableLikeClause' in element) ||
    (stmt.inhRelations ?? []).length > 0 ||
    stmt.ofTypename !== undefined;
  const columns = [];
  for (const element of stmt.tableElts ?? []) {
    if ('ColumnDef' in element) columns.push(columnInfo(element.ColumnDef, key));
  }
  catalog.createTable(key, opaque ? undefined : columns, inTransaction);
  // No other session sees it before COMMIT: it holds only the rows this transaction writes.
  // (Not a table of a partition tree or an inheritance: rows written to one show in the others.)
  if (inTransaction && !stmt.partspec && !stmt.partbound && !stmt.inhRelations?.length) catalog.markEmptied(key, true);
  const parents = (stmt.inhRelations ?? []).flatMap((parent) =>
    'RangeVar' in parent ? [relationKey(parent.RangeVar) ?? ''] : [],
  );
  catalog.placeTable(key, {
    ...(stmt.partspec ? { partitioned: true, partitionKey: partitionKeyOf(stmt.partspec) } : {}),
    ...(stmt.partbound && parents[0] ? { partitionOf: parents[0] } : {}),
    ...(stmt.partbound?.is_default ? { defaultPartition: true } : {}),
    ...(!stmt.partbound && parents.length > 0 ? { inherits: parents } : {}),
  });
  if (opaque) for (const column of columns) catalog.addColumn(key, column);
  for (const element of stmt.tableElts ?? []) {
    if ('ColumnDef' in element) {
      for (const item of element.ColumnDef.constraints ?? []) {
        if ('Constraint' in item)
          addConstraint(catalog, key, item.Constraint, inTransaction, element.ColumnDef.colname);
      }
    } else if ('Constraint' in element) {
      addConstraint(catalog, key, element.Constraint, inTransaction);
    }
  }
}

function addConstraint(
  catalog: MigrationCatalog,
  table: string,
  constraint: import('libpg-query').Constraint,
  inTransaction: boolean,
  column?: string,
): void {
  const info = constraintInfo(constraint, table, inTransaction, column);
  if (!info || info.kind === 'not-null') return;
  catalog.addConstraint(table, info);
  if (info.kind === 'primary-key' || info.kind === 'unique') {
    const schema = table.slice(0, table.indexOf('.'));
    catalog.addIndex({ name: `${schema}.${info.name}`, table, columns: info.columns, unique: true, partial: false });
  }
  if (info.kind === 'primary-key') {
    for (const name of info.columns) catalog.setColumnNotNull(table, name, true);
  }
}

function alterTable(catalog: MigrationCatalog, stmt: AlterTableStmt, inTransaction: boolean): void {
  const key = relationKey(stmt.relation);
  if (!key || stmt.objtype !== 'OBJECT_TABLE') return;
  for (const item of stmt.cmds ?? []) {
    if (!('AlterTableCmd' in item)) continue;
    const cmd = item.AlterTableCmd;
    const column = cmd.name;
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        if (cmd.def && 'ColumnDef' in cmd.def) {
          const def = cmd.def.ColumnDef;
          if (cmd.missing_ok && def.colname && catalog.columnExists(key, def.colname)) break;
          catalog.addColumn(key, columnInfo(def, key));
          for (const constraint of def.constraints ?? []) {
            if ('Constraint' in constraint)
              addConstraint(catalog, key, constraint.Constraint, inTransaction, def.colname);
          }
        }
        break;
      case 'AT_DropColumn':
        if (column) catalog.dropColumn(key, column);
        break;
      case 'AT_SetNotNull':
        if (column) catalog.setColumnNotNull(key, column, true);
        break;
      case 'AT_DropNotNull':
        if (column) catalog.setColumnNotNull(key, column, false);
        break;
      case 'AT_ColumnDefault':
        if (column) catalog.updateColumn(key, column, { hasDefault: cmd.def !== undefined });
        break;
      case 'AT_AlterColumnType':
        if (column && cmd.def && 'ColumnDef' in cmd.def) {
          catalog.updateColumn(key, column, { type: typeNameText(cmd.def.ColumnDef.typeName) });
        }
        break;
      case 'AT_AddConstraint':
        if (cmd.def && 'Constraint' in cmd.def) addConstraint(catalog, key, cmd.def.Constraint, inTransaction);
        break;
      case 'AT_ValidateConstraint':
        if (column) catalog.validateConstraint(key, column);
        break;
      case 'AT_DropConstraint':
        if (column) catalog.dropConstraint(key, column);
        break;
      case 'AT_AttachPartition':
      case 'AT_DetachPartition': {
        const partitionCmd = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
        const partition = relationKey(partitionCmd?.name);
        if (partition) {
          catalog.markEmptied(partition, false);
          const attached = cmd.subtype === 'AT_AttachPartition';
          catalog.placeTable(partition, {
            partitionOf: attached ? key : undefined,
            defaultPartition: attached && partitionCmd?.bound?.is_default === true ? true : undefined,
          });
        }
        break;
      }
      case 'AT_AddInherit':
      case 'AT_DropInherit': {
        const parent = cmd.def && 'RangeVar' in cmd.def ? relationKey(cmd.def.RangeVar) : undefined;
        if (!parent) break;
        catalog.markEmptied(key, false);
        const others = (catalog.inheritedFrom(key) ?? []).filter((each) => each !== parent);
        catalog.placeTable(key, { inherits: cmd.subtype === 'AT_AddInherit' ? [...others, parent] : others });
        break;
      }
      default:
        break;
    }
  }
}
