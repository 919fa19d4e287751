import type { AlterTableCmd, Node } from 'libpg-query';
import { blocksWrites, LOCK_STRENGTH, lockModeOfNumber } from '../engines/postgresql/locks.js';
import { addedColumnScans, validatesAddedColumnKeys } from './added-column-checks.js';
import { nodeType, typeNameText, usingCastType, usingIsTheColumn } from './ast.js';
import { existingIndexNamed } from './catalog.js';
import { foreignKeyTriggerLocks } from './foreign-key-triggers.js';
import { displayTable, namesOf, objectKey, relationKey, tableKey } from './names.js';
import { queryLocks, relatedReads } from './query-locks.js';
import { queryRelations, sequencesNamed } from './query-relations.js';
import {
  type AddLock,
  defaultedSerialSequences,
  descendants,
  dropTableLocks,
  foreignKeyActionLocks,
  ownedSequenceLocks,
  ownedSequences,
  referencedKeyLocks,
  truncateLocks,
} from './related-locks.js';
import { userTriggerLocks } from './trigger-functions.js';
import { rebuiltPartialIndexes, typeConversion } from './type-conversion.js';
import type { CatalogView, LockClaim, PgLockMode } from './types.js';

/**
 * The locks a PostgreSQL statement takes on existing relations, from the server's own lock map
 * (tablecmds.c AlterTableGetLockLevel and the "Table-Level Locks" section of the manual; research §7).
 * Used for the per-statement lock summary, for tracking ACCESS EXCLUSIVE locks held in a transaction, and for
 * the large-table duration estimate. Rules make narrower claims; this is the baseline for every statement.
 */

export interface StatementLock {
  /** `schema.table` key (or the index key when the table of an index is not known). */
  table: string;
  mode: PgLockMode;
  on: string;
  /** The whole table is rewritten (new relfilenode) under the lock. */
  rewrite: boolean;
  /** The whole table is read under the lock (constraint check, index build). */
  scan: boolean;
  /** A serial column's sequence: the table that owns it (new in the transaction, the sequence is new too). */
  owner?: string;
}

export function lockStrength(mode: PgLockMode): number {
  return LOCK_STRENGTH[mode];
}

/** What a lock mode blocks for other sessions, in the words of LockClaim. */
export function lockBlocks(mode: PgLockMode): LockClaim['blocks'] | 'nothing that migrations usually meet' {
  if (mode === 'ACCESS EXCLUSIVE') return 'reads and writes';
  if (mode === 'EXCLUSIVE' || mode === 'SHARE ROW EXCLUSIVE' || mode === 'SHARE') return 'writes';
  if (mode === 'SHARE UPDATE EXCLUSIVE') return 'schema changes and VACUUM';
  return 'nothing that migrations usually meet';
}

/** The lock blocks ordinary reads or writes of the table (the ones that hurt a running application). */
export function blocksTraffic(mode: PgLockMode): boolean {
  return blocksWrites(mode);
}

/**
 * A finding's locks as PostgreSQL takes them. The rule's claims say which locks matter to its finding (none for a
 * rule that claims none); the statement's lock map, checked against pg_locks, says what is taken on which
 * relation. So a claim on the finding's table takes the map's mode on that table (an ADD COLUMN … REFERENCES
 * holds ACCESS EXCLUSIVE, not the SHARE ROW EXCLUSIVE of a bare ADD FOREIGN KEY); a claim on another relation
 * ('referenced table', 'partition', 'index') becomes the map's locks of that kind, each naming its relation; and
 * what the map locks on other relations the claims do not describe is added, named. Locks that block neither
 * reads nor writes nor schema changes are left to the lock summary.
 */
export function findingLocks(claims: LockClaim[], locks: readonly StatementLock[], table?: string): LockClaim[] {
  if (claims.length === 0 || locks.length === 0) return claims;
  const key = table === undefined ? undefined : tableKey(table.replace(/"/g, ''));
  const result: LockClaim[] = [];
  const push = (claim: LockClaim) => {
    if (!result.some((known) => known.on === claim.on && known.relation === claim.relation)) result.push(claim);
  };
  for (const claim of claims) {
    if (claim.on.startsWith('table') && key !== undefined) {
      const mapped = locks.find((lock) => lock.on === 'table' && lock.table === key);
      const blocks = mapped ? lockBlocks(mapped.mode) : undefined;
      push(
        mapped && mapped.mode !== claim.mode && blocks !== 'nothing that migrations usually meet' && blocks
          ? { ...claim, mode: mapped.mode, blocks }
          : claim,
      );
      continue;
    }
    const on = claim.on.startsWith('table') ? 'table' : claim.on;
    const named = locks.filter((lock) => lock.on === on);
    if (named.length === 0) push(claim);
    for (const lock of named) {
      const blocks = lockBlocks(lock.mode);
      if (blocks !== 'nothing that migrations usually meet')
        push({ mode: lock.mode, on: lock.on, relation: displayTable(lock.table), blocks });
    }
  }
  for (const lock of locks) {
    // Another table's own lock belongs to that table's findings (TRUNCATE a, b; a later statement's table).
    if (lock.on === 'table' || claims.some((claim) => claim.on === lock.on)) continue;
    const blocks = lockBlocks(lock.mode);
    if (blocks !== 'nothing that migrations usually meet')
      push({ mode: lock.mode, on: lock.on, relation: displayTable(lock.table), blocks });
  }
  return sameClaims(result, claims) ? claims : result;
}

function sameClaims(a: readonly LockClaim[], b: readonly LockClaim[]): boolean {
  return (
    a.length === b.length &&
    a.every((claim, i) => {
      const other = b[i] as LockClaim;
      return claim.mode === other.mode && claim.on === other.on && claim.relation === other.relation;
    })
  );
}

/**
 * Locks of one statement. `catalog` (the schema before the statement) resolves index names to their tables and
 * refines scans: SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) exists (PG 12+), and an
 * ALTER TYPE that is binary-coercible (varchar → text, widening varchar/numeric) does not rewrite.
 */
export function statementLocks(
  ast: Node,
  catalog?: CatalogView,
  pgVersion = 15,
  session: { timeZoneUtc: boolean } = { timeZoneUtc: false },
): StatementLock[] {
  const locks: StatementLock[] = [];
  const add = (table: string | undefined, mode: PgLockMode, on: string, rewrite = false, scan = false) => {
    if (!table) return;
    // A partitioned table has no storage of its own: its partitions are what is rewritten.
    const lock = { table, mode, on, rewrite: rewrite && catalog?.isPartitioned(table) !== true, scan };
    // A relation a query names twice (two subqueries of one table) is one lock.
    if (locks.some((seen) => sameLock(seen, lock))) return;
    locks.push(lock);
  };
  const type = nodeType(ast);
  switch (type) {
    case 'AlterTableStmt': {
      const stmt = (ast as { AlterTableStmt: import('libpg-query').AlterTableStmt }).AlterTableStmt;
      const table = relationKey(stmt.relation);
      if (
        stmt.objtype !== 'OBJECT_TABLE' &&
        stmt.objtype !== 'OBJECT_MATVIEW' &&
        stmt.objtype !== 'OBJECT_FOREIGN_TABLE'
      ) {
        // ALTER INDEX locks the index alone, not its table.
        if (stmt.objtype === 'OBJECT_INDEX') {
          add(table, strongestCmdMode(stmt.cmds), 'index');
          attachedIndexLocks(stmt.cmds, table, catalog, add);
        }
        // ALTER VIEW … ALTER COLUMN SET DEFAULT / OWNER TO / SET (options): ACCESS EXCLUSIVE on the view.
        if (stmt.objtype === 'OBJECT_VIEW') add(table, 'ACCESS EXCLUSIVE', 'view');
        break;
      }
      let mode: PgLockMode = 'SHARE UPDATE EXCLUSIVE';
      let rewrite = false;
      let scan = false;
      // Most column and constraint actions recurse into partitions and inheritance children (not under ONLY).
      const children = table && stmt.relation?.inh === true ? descendants(catalog, table) : [];
      let childMode: PgLockMode | undefined;
      let keyMode: PgLockMode | undefined;
      const cmds = (stmt.cmds ?? []).flatMap((item) => ('AlterTableCmd' in item ? [item.AlterTableCmd] : []));
      const addedKeysValidated = validatesAddedColumnKeys(cmds);
      for (const cmd of cmds) {
        const effect = alterTableCmdLock(cmd, catalog);
        refineWithCatalog(effect, cmd, table, catalog, pgVersion, session.timeZoneUtc);
        if (cmd.subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def)
          effect.scan ||= addedColumnScans(cmd.def.ColumnDef, addedKeysValidated);
        if (LOCK_STRENGTH[effect.mode] > LOCK_STRENGTH[mode]) mode = effect.mode;
        rewrite ||= effect.rewrite;
        scan ||= effect.scan;
        if (effect.referenced) referencedTableLocks(effect.referenced, catalog, add);
        if (effect.partition && table) partitionCmdLocks(catalog, table, cmd, effect.partition, add);
        if (effect.parent) add(effect.parent.table, effect.parent.mode, 'parent table');
        if (table) foreignKeyActionLocks(catalog, table, cmd.subtype ?? '', cmd.name, add);
        if (table) referencedKeyLocks(catalog, table, cmd, add);
        // A DEFAULT nextval('seq') records its dependency on the sequence.
        if (cmd.subtype === 'AT_ColumnDefault' || cmd.subtype === 'AT_AddColumn')
          for (const sequence of sequencesNamed(cmd.def, NEXTVAL)) add(sequence, 'ACCESS SHARE', 'sequence');
        if (table) ownedSequenceLocks(catalog, table, cmd, add);
        const key = table ? keyIndexOnPartitions(cmd, table, catalog, pgVersion) : undefined;
        if (key) {
          if (!keyMode || LOCK_STRENGTH[key] > LOCK_STRENGTH[keyMode]) keyMode = key;
        } else if (children.length > 0 && recurses(cmd.subtype ?? '', table, catalog, pgVersion, cmd.name)) {
          if (!childMode || LOCK_STRENGTH[effect.mode] > LOCK_STRENGTH[childMode]) childMode = effect.mode;
        }
      }
      add(table, mode, 'table', rewrite, scan);
      if (childMode) for (const child of children) add(child, childMode, 'child table', rewrite, scan);
      if (table && keyMode)
        for (const partition of descendants(catalog, table, true)) add(partition, keyMode, 'partition', false, true);
      break;
    }
    case 'IndexStmt': {
      const stmt = (ast as { IndexStmt: import('libpg-query').IndexStmt }).IndexStmt;
      const table = relationKey(stmt.relation);
      const mode = stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
      // ON ONLY a partitioned table creates an invalid index on the parent alone: nothing is built.
      const parentOnly = table !== undefined && stmt.relation?.inh !== true && catalog?.isPartitioned(table) === true;
      // IF NOT EXISTS of an index the schema has: PostgreSQL takes the table's lock, finds it and builds nothing.
      const exists = table !== undefined && catalog !== undefined && existingIndexNamed(catalog, table, stmt);
      add(table, mode, 'table', false, !parentOnly && !exists);
      // On a partitioned table the index is built on every partition (not under ONLY).
      if (table && stmt.relation?.inh === true && !exists) {
        for (const partition of descendants(catalog, table, true)) add(partition, mode, 'partition', false, true);
      }
      break;
    }
    case 'CreateStmt': {
      const stmt = (ast as { CreateStmt: import('libpg-query').CreateStmt }).CreateStmt;
      for (const element of stmt.tableElts ?? []) {
        if ('TableLikeClause' in element)
          add(relationKey(element.TableLikeClause.relation), 'ACCESS SHARE', 'table copied');
        if ('Constraint' in element && element.Constraint.contype === 'CONSTR_FOREIGN') {
          referencedTableLocks(relationKey(element.Constraint.pktable), catalog, add);
        }
        if ('ColumnDef' in element) {
          for (const constraint of element.ColumnDef.constraints ?? []) {
            if ('Constraint' in constraint && constraint.Constraint.contype === 'CONSTR_FOREIGN') {
              referencedTableLocks(relationKey(constraint.Constraint.pktable), catalog, add);
            }
          }
        }
      }
      for (const parent of stmt.inhRelations ?? []) {
        if (!('RangeVar' in parent)) continue;
        // PARTITION OF locks the parent ACCESS EXCLUSIVE; INHERITS only against concurrent schema changes.
        const parentKey = relationKey(parent.RangeVar);
        add(parentKey, stmt.partbound ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE', 'parent table');
        if (parentKey && stmt.partbound && !stmt.partbound.is_default)
          defaultPartitionLock(catalog, parentKey, true, add);
      }
      break;
    }
    case 'ViewStmt': {
      const stmt = (ast as { ViewStmt: import('libpg-query').ViewStmt }).ViewStmt;
      const view = relationKey(stmt.view);
      if (view && stmt.replace && catalog?.tableExists(view)) add(view, 'ACCESS EXCLUSIVE', 'view');
      for (const read of queryRelations(stmt.query)) add(read, 'ACCESS SHARE', 'table read by the view');
      break;
    }
    case 'CreateTableAsStmt': {
      const stmt = (ast as { CreateTableAsStmt: import('libpg-query').CreateTableAsStmt }).CreateTableAsStmt;
      queryLocks(stmt.query, add, catalog, 'table read by the query');
      break;
    }
    case 'SelectStmt':
      queryLocks(ast, add, catalog);
      break;
    case 'AlterSeqStmt': {
      const stmt = (ast as { AlterSeqStmt: import('libpg-query').AlterSeqStmt }).AlterSeqStmt;
      add(relationKey(stmt.sequence), 'SHARE ROW EXCLUSIVE', 'sequence');
      add(ownedByTable(stmt.options), 'ACCESS SHARE', 'table owning the sequence');
      break;
    }
    case 'CreateSeqStmt': {
      const stmt = (ast as { CreateSeqStmt: import('libpg-query').CreateSeqStmt }).CreateSeqStmt;
      add(ownedByTable(stmt.options), 'ACCESS SHARE', 'table owning the sequence');
      break;
    }
    case 'AlterDomainStmt': {
      const stmt = (ast as { AlterDomainStmt: import('libpg-query').AlterDomainStmt }).AlterDomainStmt;
      const constraint = stmt.def && 'Constraint' in stmt.def ? stmt.def.Constraint : undefined;
      // A validated domain constraint (or SET NOT NULL) checks every column of the domain under SHARE on its table.
      // Subtypes: 'O' SET NOT NULL, 'V' VALIDATE CONSTRAINT, 'C' ADD CONSTRAINT.
      const checks =
        stmt.subtype === 'O' ||
        stmt.subtype === 'V' ||
        (stmt.subtype === 'C' && constraint && !constraint.skip_validation);
      if (!checks || !catalog) break;
      const names = namesOf(stmt.typeName);
      const domain = names[names.length - 1] ?? '';
      for (const table of catalog.tablesWithColumnType(domain))
        add(table, 'SHARE', 'table using the domain', false, true);
      break;
    }
    case 'DropStmt': {
      const stmt = (ast as { DropStmt: import('libpg-query').DropStmt }).DropStmt;
      const objects = (stmt.objects ?? []).map((object) =>
        'List' in object ? objectKey(object.List.items) : undefined,
      );
      const cascade = stmt.behavior === 'DROP_CASCADE';
      // DROP … IF EXISTS of what the known schema does not have locks nothing.
      const absent = (key: string | undefined, exists: (key: string) => boolean) =>
        key !== undefined && stmt.missing_ok === true && catalog?.schemaKnown === true && !exists(key);
      if (
        stmt.removeType === 'OBJECT_TABLE' ||
        stmt.removeType === 'OBJECT_MATVIEW' ||
        stmt.removeType === 'OBJECT_VIEW'
      ) {
        for (const key of objects) {
          if (!key || absent(key, (name) => catalog?.tableExists(name) ?? false)) continue;
          add(key, 'ACCESS EXCLUSIVE', stmt.removeType === 'OBJECT_TABLE' ? 'table' : 'view');
          dropTableLocks(catalog, key, cascade, add);
        }
      } else if (stmt.removeType === 'OBJECT_INDEX') {
        const mode = stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
        for (const key of objects) {
          if (absent(key, (name) => catalog?.indexTable(name) !== undefined)) continue;
          const table = key ? catalog?.indexTable(key) : undefined;
          // An index the schema read so far does not know: its table is locked too, but which one is not known.
          if (table) add(table, mode, 'table');
          add(key, mode, 'index');
        }
      } else if ((stmt.removeType === 'OBJECT_TYPE' || stmt.removeType === 'OBJECT_DOMAIN') && cascade && catalog) {
        // DROP TYPE / DOMAIN … CASCADE drops every column of the type: ACCESS EXCLUSIVE on each table using it.
        for (const object of stmt.objects ?? []) {
          const type = 'TypeName' in object ? namesOf(object.TypeName.names).at(-1) : undefined;
          for (const table of type ? catalog.tablesWithColumnType(type) : []) add(table, 'ACCESS EXCLUSIVE', 'table');
        }
      } else if (stmt.removeType === 'OBJECT_FUNCTION' && cascade && catalog) {
        // DROP FUNCTION … CASCADE drops the triggers that execute it: ACCESS EXCLUSIVE on each of their tables.
        const tables = new Set<string>();
        for (const object of stmt.objects ?? []) {
          const name = 'ObjectWithArgs' in object ? namesOf(object.ObjectWithArgs.objname).at(-1) : undefined;
          for (const table of name ? catalog.tablesWithTriggerCalling(name) : []) tables.add(table);
        }
        for (const table of tables) add(table, 'ACCESS EXCLUSIVE', 'table');
      } else if (stmt.removeType === 'OBJECT_SEQUENCE') {
        for (const key of objects) add(key, 'ACCESS EXCLUSIVE', 'sequence');
      } else if (
        stmt.removeType === 'OBJECT_TRIGGER' ||
        stmt.removeType === 'OBJECT_RULE' ||
        stmt.removeType === 'OBJECT_POLICY'
      ) {
        // DROP TRIGGER name ON table: the list is [schema?, table, trigger].
        for (const object of stmt.objects ?? []) {
          if (!('List' in object)) continue;
          const names = namesOf(object.List.items);
          add(objectKey((object.List.items ?? []).slice(0, names.length - 1)), 'ACCESS EXCLUSIVE', 'table');
        }
      }
      break;
    }
    case 'TruncateStmt': {
      const stmt = (ast as { TruncateStmt: import('libpg-query').TruncateStmt }).TruncateStmt;
      const cascade = stmt.behavior === 'DROP_CASCADE';
      for (const relation of stmt.relations ?? []) {
        if (!('RangeVar' in relation)) continue;
        const key = relationKey(relation.RangeVar);
        add(key, 'ACCESS EXCLUSIVE', 'table');
        if (key) truncateLocks(catalog, key, relation.RangeVar.inh === true, cascade, add);
        if (key && catalog) userTriggerLocks(catalog, key, 'truncate', undefined, add);
        // RESTART IDENTITY resets the sequences the table's columns own.
        if (key && stmt.restart_seqs && catalog)
          for (const sequence of ownedSequences(catalog, key)) add(sequence, 'ACCESS EXCLUSIVE', 'sequence');
      }
      break;
    }
    case 'RenameStmt': {
      const stmt = (ast as { RenameStmt: import('libpg-query').RenameStmt }).RenameStmt;
      const key = relationKey(stmt.relation);
      // Renaming an index locks the index, not its table.
      if (stmt.renameType === 'OBJECT_INDEX') add(key, 'SHARE UPDATE EXCLUSIVE', 'index');
      else if (stmt.relation) {
        add(key, 'ACCESS EXCLUSIVE', 'table');
        if (key && stmt.renameType === 'OBJECT_COLUMN' && stmt.relation.inh === true) {
          for (const child of descendants(catalog, key)) add(child, 'ACCESS EXCLUSIVE', 'child table');
        }
      }
      break;
    }
    case 'AlterObjectSchemaStmt': {
      const stmt = (ast as { AlterObjectSchemaStmt: import('libpg-query').AlterObjectSchemaStmt })
        .AlterObjectSchemaStmt;
      if (stmt.relation) add(relationKey(stmt.relation), 'ACCESS EXCLUSIVE', 'table');
      break;
    }
    case 'ClusterStmt': {
      const stmt = (ast as { ClusterStmt: import('libpg-query').ClusterStmt }).ClusterStmt;
      add(relationKey(stmt.relation), 'ACCESS EXCLUSIVE', 'table', true, true);
      break;
    }
    case 'VacuumStmt': {
      const stmt = (ast as { VacuumStmt: import('libpg-query').VacuumStmt }).VacuumStmt;
      const full = (stmt.options ?? []).some((option) => 'DefElem' in option && option.DefElem.defname === 'full');
      for (const relation of stmt.rels ?? []) {
        if (!('VacuumRelation' in relation)) continue;
        const key = relationKey(relation.VacuumRelation.relation);
        const mode = full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE';
        add(key, mode, 'table', full, true);
        if (!key || !catalog) continue;
        // A partitioned table has no rows of its own: its partitions are processed.
        if (catalog.isPartitioned(key)) {
          for (const partition of descendants(catalog, key, true)) add(partition, mode, 'partition', full, true);
        } else if (!stmt.is_vacuumcmd && relation.VacuumRelation.relation?.inh === true) {
          // ANALYZE of an inheritance parent also samples its children: read on 15, SHARE UPDATE EXCLUSIVE on 18.
          const childMode = pgVersion >= 18 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS SHARE';
          for (const child of descendants(catalog, key)) add(child, childMode, 'child table', false, true);
        }
      }
      break;
    }
    case 'ReindexStmt': {
      const stmt = (ast as { ReindexStmt: import('libpg-query').ReindexStmt }).ReindexStmt;
      const concurrent = (stmt.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
      const key = relationKey(stmt.relation);
      const mode = concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
      const indexMode = concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      // The table is only read (SHARE); each rebuilt index is locked ACCESS EXCLUSIVE, blocking reads using it.
      if (stmt.kind === 'REINDEX_OBJECT_INDEX') {
        const table = indexTarget(key, catalog);
        add(table, mode, 'table', false, true);
        if (key && table !== key) add(key, indexMode, 'index');
      } else if (key) {
        add(key, mode, 'table', false, true);
        for (const index of catalog?.indexes(key) ?? []) add(index.name, indexMode, 'index');
      }
      break;
    }
    case 'RefreshMatViewStmt': {
      const stmt = (ast as { RefreshMatViewStmt: import('libpg-query').RefreshMatViewStmt }).RefreshMatViewStmt;
      const view = relationKey(stmt.relation);
      // WITH NO DATA empties the view without running its query: nothing is read.
      if (!stmt.skipData)
        for (const read of (view && catalog?.viewReads(view)) || [])
          add(read, 'ACCESS SHARE', 'table read by the view');
      add(
        relationKey(stmt.relation),
        stmt.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        'materialized view',
        !stmt.concurrent,
        !stmt.skipData,
      );
      break;
    }
    case 'CreateTrigStmt': {
      const stmt = (ast as { CreateTrigStmt: import('libpg-query').CreateTrigStmt }).CreateTrigStmt;
      const key = relationKey(stmt.relation);
      add(key, 'SHARE ROW EXCLUSIVE', 'table');
      // A row trigger on a partitioned table is cloned onto every partition.
      if (key && stmt.row && catalog?.isPartitioned(key)) {
        for (const partition of descendants(catalog, key, true)) add(partition, 'SHARE ROW EXCLUSIVE', 'partition');
      }
      break;
    }
    case 'RuleStmt':
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt': {
      const stmt = (
        ast as Record<string, { relation?: import('libpg-query').RangeVar; table?: import('libpg-query').RangeVar }>
      )[type];
      add(relationKey(stmt?.relation ?? stmt?.table), 'ACCESS EXCLUSIVE', 'table');
      break;
    }
    case 'CommentStmt': {
      const stmt = (ast as { CommentStmt: import('libpg-query').CommentStmt }).CommentStmt;
      if (stmt.objtype === 'OBJECT_TABLE' && stmt.object && 'List' in stmt.object) {
        add(objectKey(stmt.object.List.items), 'SHARE UPDATE EXCLUSIVE', 'table');
      } else if (stmt.objtype === 'OBJECT_COLUMN' && stmt.object && 'List' in stmt.object) {
        // COMMENT ON COLUMN t.c: the list is [schema?, table, column].
        add(objectKey((stmt.object.List.items ?? []).slice(0, -1)), 'SHARE UPDATE EXCLUSIVE', 'table');
      }
      break;
    }
    case 'GrantStmt': {
      // PostgreSQL 18 reads each table it grants on under ACCESS SHARE; 15 takes no relation lock.
      const stmt = (ast as { GrantStmt: import('libpg-query').GrantStmt }).GrantStmt;
      if (pgVersion < 18 || stmt.objtype !== 'OBJECT_TABLE' || stmt.targtype !== 'ACL_TARGET_OBJECT') break;
      for (const object of stmt.objects ?? [])
        if ('RangeVar' in object) add(relationKey(object.RangeVar), 'ACCESS SHARE', 'table');
      break;
    }
    case 'CreateStatsStmt': {
      const stmt = (ast as { CreateStatsStmt: import('libpg-query').CreateStatsStmt }).CreateStatsStmt;
      for (const relation of stmt.relations ?? []) {
        if ('RangeVar' in relation) add(relationKey(relation.RangeVar), 'SHARE UPDATE EXCLUSIVE', 'table');
      }
      break;
    }
    case 'LockStmt': {
      const stmt = (ast as { LockStmt: import('libpg-query').LockStmt }).LockStmt;
      const mode = lockModeOfNumber(stmt.mode ?? 8) ?? 'ACCESS EXCLUSIVE';
      for (const relation of stmt.relations ?? []) {
        if (!('RangeVar' in relation)) continue;
        const key = relationKey(relation.RangeVar);
        add(key, mode, 'table');
        // LOCK TABLE reaches a view's tables and, unless ONLY, the partitions and children.
        if (key) relatedReads(key, mode, relation.RangeVar.inh === true, false, catalog, add);
      }
      break;
    }
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt':
    case 'MergeStmt': {
      const stmt = (ast as Record<string, { relation?: import('libpg-query').RangeVar; whereClause?: Node }>)[type];
      if (!stmt) break;
      const table = relationKey(stmt.relation);
      add(table, 'ROW EXCLUSIVE', 'table', false, type !== 'InsertStmt');
      queryLocks({ ...stmt, relation: undefined }, add, catalog);
      if (table && catalog && type !== 'MergeStmt') {
        const write = type === 'InsertStmt' ? 'insert' : type === 'UpdateStmt' ? 'update' : 'delete';
        const columns = writtenColumns(ast);
        foreignKeyTriggerLocks(catalog, table, write, columns, add);
        userTriggerLocks(catalog, table, write, columns, add);
      }
      // A serial column filled from its default: nextval() writes its sequence.
      if (table && catalog && type !== 'DeleteStmt' && type !== 'MergeStmt')
        for (const sequence of defaultedSerialSequences(ast, table, catalog))
          locks.push({
            table: sequence,
            mode: 'ROW EXCLUSIVE',
            on: 'sequence',
            rewrite: false,
            scan: false,
            owner: table,
          });
      // Every row of a partitioned or inheritance parent: each partition and child is written too.
      if (table && (type === 'UpdateStmt' || type === 'DeleteStmt') && !stmt.whereClause && stmt.relation?.inh) {
        for (const child of descendants(catalog, table)) add(child, 'ROW EXCLUSIVE', 'child table', false, true);
      }
      break;
    }
    default:
      break;
  }
  return locks;
}

/** The columns an UPDATE sets or an INSERT names; undefined: every column (INSERT without a column list). */
function writtenColumns(ast: Node): string[] | undefined {
  const targets =
    'UpdateStmt' in ast ? ast.UpdateStmt.targetList : 'InsertStmt' in ast ? ast.InsertStmt.cols : undefined;
  if (!targets || targets.length === 0) return undefined;
  return targets.flatMap((target) => ('ResTarget' in target && target.ResTarget.name ? [target.ResTarget.name] : []));
}

/**
 * ADD PRIMARY KEY / UNIQUE on a partitioned table builds the index on each partition under SHARE (it does not
 * recurse as other constraints do); a primary key column not yet NOT NULL is also set NOT NULL on each partition,
 * under ACCESS EXCLUSIVE (on PostgreSQL 18 always: checked on 15 and 18). Undefined for any other command or table.
 */
function keyIndexOnPartitions(
  cmd: AlterTableCmd,
  table: string,
  catalog: CatalogView | undefined,
  pgVersion: number,
): PgLockMode | undefined {
  if (cmd.subtype !== 'AT_AddConstraint' || !catalog?.isPartitioned(table)) return undefined;
  const constraint = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
  if (constraint?.contype !== 'CONSTR_PRIMARY' && constraint?.contype !== 'CONSTR_UNIQUE') return undefined;
  if (constraint.contype === 'CONSTR_UNIQUE') return 'SHARE';
  // PostgreSQL 18 records NOT NULL as constraints and adds one to each partition for a primary key.
  if (pgVersion >= 18) return 'ACCESS EXCLUSIVE';
  const columns = catalog.columns(table);
  const keyColumns = namesOf(constraint.keys);
  const allNotNull = keyColumns.every((name) => columns?.find((column) => column.name === name)?.notNull === true);
  return allNotNull ? 'SHARE' : 'ACCESS EXCLUSIVE';
}

/** A new foreign key's referenced table, and each of its partitions (their RI triggers are created too). */
function referencedTableLocks(table: string | undefined, catalog: CatalogView | undefined, add: AddLock): void {
  if (!table) return;
  add(table, 'SHARE ROW EXCLUSIVE', 'referenced table');
  for (const partition of descendants(catalog, table, true))
    add(partition, 'SHARE ROW EXCLUSIVE', 'referenced partition');
}

/**
 * ATTACH / DETACH PARTITION: ACCESS EXCLUSIVE on the partition (DETACH CONCURRENTLY too, in its second
 * transaction). ATTACH scans it unless a validated CHECK proves its rows fit; DETACH scans nothing.
 */
function partitionCmdLocks(
  catalog: CatalogView | undefined,
  table: string,
  cmd: AlterTableCmd,
  partition: string,
  add: AddLock,
): void {
  const attach = cmd.subtype === 'AT_AttachPartition';
  const proven = catalog?.hasValidatedCheck(partition) === true;
  add(partition, 'ACCESS EXCLUSIVE', 'partition', false, attach && !proven);
  const bound = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
  if (attach ? !bound?.bound?.is_default : !bound?.concurrent) defaultPartitionLock(catalog, table, attach, add);
}

/**
 * A partition created, attached, detached or dropped beside a DEFAULT partition: the default partition's implicit
 * constraint changes, so it is locked ACCESS EXCLUSIVE, and scanned when a new range is taken from it (checked on
 * PostgreSQL 15).
 */
function defaultPartitionLock(catalog: CatalogView | undefined, parent: string, scanned: boolean, add: AddLock): void {
  const fallback = catalog?.defaultPartition(parent);
  if (fallback) add(fallback, 'ACCESS EXCLUSIVE', 'default partition', false, scanned);
}

/** ALTER INDEX parent ATTACH PARTITION child: both indexes' tables are read (ACCESS SHARE) to match them. */
function attachedIndexLocks(
  cmds: Node[] | undefined,
  index: string | undefined,
  catalog: CatalogView | undefined,
  add: AddLock,
): void {
  for (const item of cmds ?? []) {
    if (!('AlterTableCmd' in item) || item.AlterTableCmd.subtype !== 'AT_AttachPartition') continue;
    const def = item.AlterTableCmd.def;
    const attached = def && 'PartitionCmd' in def ? relationKey(def.PartitionCmd.name) : undefined;
    for (const key of [index, attached]) {
      const table = key ? catalog?.indexTable(key) : undefined;
      if (table) add(table, 'ACCESS SHARE', 'table');
    }
  }
}

const NEXTVAL: ReadonlySet<string> = new Set(['nextval']);

/** OWNED BY [schema.]table.column: the table (OWNED BY NONE names none). */
function ownedByTable(options: Node[] | undefined): string | undefined {
  for (const option of options ?? []) {
    if (!('DefElem' in option) || option.DefElem.defname !== 'owned_by') continue;
    const arg = option.DefElem.arg;
    const items = arg && 'List' in arg ? (arg.List.items ?? []) : [];
    return items.length >= 2 ? objectKey(items.slice(0, -1)) : undefined;
  }
  return undefined;
}

function indexTarget(index: string | undefined, catalog: CatalogView | undefined): string | undefined {
  if (!index) return undefined;
  return catalog?.indexTable(index) ?? index;
}

interface CmdLock {
  mode: PgLockMode;
  rewrite: boolean;
  scan: boolean;
  referenced?: string;
  partition?: string;
  /** INHERIT / NO INHERIT: the parent table. */
  parent?: { table: string; mode: PgLockMode };
}

/** ALTER TABLE actions PostgreSQL applies to partitions and inheritance children too (tablecmds.c ATPrepCmd). */
const RECURSING_CMDS = new Set([
  'AT_AddColumn',
  'AT_DropColumn',
  'AT_ColumnDefault',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_AlterColumnType',
  'AT_AddConstraint',
  'AT_DropConstraint',
  'AT_ValidateConstraint',
]);

/**
 * Whether an ALTER TABLE action reaches the partitions and children. On PostgreSQL 18 (NOT NULL recorded as a
 * constraint) DROP NOT NULL of a partitioned table's column that is not NOT NULL does nothing, so locks nothing
 * below it (checked on 15 and 18).
 */
function recurses(
  subtype: string,
  table: string | undefined,
  catalog: CatalogView | undefined,
  pgVersion: number,
  column?: string,
): boolean {
  if (!RECURSING_CMDS.has(subtype)) return false;
  if (subtype !== 'AT_DropNotNull' || pgVersion < 18 || !table || !catalog?.isPartitioned(table)) return true;
  return catalog.columns(table)?.find((known) => known.name === column)?.notNull !== false;
}

function strongestCmdMode(cmds: Node[] | undefined): PgLockMode {
  let mode: PgLockMode = 'SHARE UPDATE EXCLUSIVE';
  for (const item of cmds ?? []) {
    if (!('AlterTableCmd' in item)) continue;
    const cmdMode = alterTableCmdLock(item.AlterTableCmd).mode;
    if (LOCK_STRENGTH[cmdMode] > LOCK_STRENGTH[mode]) mode = cmdMode;
  }
  return mode;
}

const SHARE_UPDATE_EXCLUSIVE_CMDS = new Set([
  'AT_SetStatistics',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ValidateConstraint',
  'AT_DetachPartitionFinalize',
]);

const SHARE_ROW_EXCLUSIVE_CMDS = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrig',
  'AT_DisableTrigAll',
  'AT_DisableTrigUser',
]);

const REWRITING_CMDS = new Set(['AT_SetTableSpace', 'AT_SetAccessMethod', 'AT_SetLogged', 'AT_SetUnLogged']);

/**
 * The lock, rewrite and scan one ALTER TABLE action needs (the statement takes the strongest of its actions); the
 * catalog, when given, knows the volatility of the functions the migrations created.
 */
function alterTableCmdLock(cmd: AlterTableCmd, catalog?: CatalogView): CmdLock {
  const subtype = cmd.subtype ?? '';
  if (SHARE_UPDATE_EXCLUSIVE_CMDS.has(subtype)) {
    return { mode: 'SHARE UPDATE EXCLUSIVE', rewrite: false, scan: subtype === 'AT_ValidateConstraint' };
  }
  if (SHARE_ROW_EXCLUSIVE_CMDS.has(subtype)) return { mode: 'SHARE ROW EXCLUSIVE', rewrite: false, scan: false };
  if (subtype === 'AT_AttachPartition' || subtype === 'AT_DetachPartition') {
    const def = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
    const partition = relationKey(def?.name);
    if (subtype === 'AT_DetachPartition' && !def?.concurrent) {
      return { mode: 'ACCESS EXCLUSIVE', rewrite: false, scan: false, ...(partition ? { partition } : {}) };
    }
    return {
      mode: 'SHARE UPDATE EXCLUSIVE',
      rewrite: false,
      scan: false,
      ...(partition ? { partition } : {}),
    };
  }
  if (subtype === 'AT_AddConstraint' && cmd.def && 'Constraint' in cmd.def) {
    const constraint = cmd.def.Constraint;
    const validates = constraint.skip_validation !== true;
    if (constraint.contype === 'CONSTR_FOREIGN') {
      const referenced = relationKey(constraint.pktable);
      return { mode: 'SHARE ROW EXCLUSIVE', rewrite: false, scan: validates, ...(referenced ? { referenced } : {}) };
    }
    const buildsIndex = ['CONSTR_UNIQUE', 'CONSTR_PRIMARY', 'CONSTR_EXCLUSION'].includes(constraint.contype ?? '');
    const usesIndex = constraint.indexname !== undefined;
    return { mode: 'ACCESS EXCLUSIVE', rewrite: false, scan: (validates && !usesIndex) || (buildsIndex && !usesIndex) };
  }
  if (subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def) {
    const referenced = columnReference(cmd.def.ColumnDef);
    return {
      mode: 'ACCESS EXCLUSIVE',
      rewrite: addColumnRewrites(cmd.def.ColumnDef, catalog),
      scan: false,
      ...(referenced ? { referenced } : {}),
    };
  }
  if ((subtype === 'AT_AddInherit' || subtype === 'AT_DropInherit') && cmd.def && 'RangeVar' in cmd.def) {
    const parent = relationKey(cmd.def.RangeVar);
    const mode: PgLockMode = subtype === 'AT_AddInherit' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS SHARE';
    return {
      mode: 'ACCESS EXCLUSIVE',
      rewrite: false,
      scan: false,
      ...(parent ? { parent: { table: parent, mode } } : {}),
    };
  }
  if (subtype === 'AT_AlterColumnType') return { mode: 'ACCESS EXCLUSIVE', rewrite: true, scan: true };
  if (subtype === 'AT_SetNotNull') return { mode: 'ACCESS EXCLUSIVE', rewrite: false, scan: true };
  if (REWRITING_CMDS.has(subtype)) return { mode: 'ACCESS EXCLUSIVE', rewrite: true, scan: true };
  return { mode: 'ACCESS EXCLUSIVE', rewrite: false, scan: false };
}

function refineWithCatalog(
  effect: CmdLock,
  cmd: AlterTableCmd,
  table: string | undefined,
  catalog: CatalogView | undefined,
  pgVersion: number,
  timeZoneUtc: boolean,
): void {
  if (!catalog || !table || !cmd.name) return;
  if (cmd.subtype === 'AT_SetNotNull' && pgVersion >= 12 && catalog.hasValidatedNotNullCheck(table, cmd.name)) {
    effect.scan = false;
  }
  // A column already NOT NULL has nothing to prove.
  if (cmd.subtype === 'AT_SetNotNull' && catalog.columnNotNull(table, cmd.name) === true) effect.scan = false;
  // VALIDATE of a constraint already valid checks nothing.
  if (cmd.subtype === 'AT_ValidateConstraint' && catalog.constraint(table, cmd.name)?.validated === true) {
    effect.scan = false;
  }
  if (cmd.subtype === 'AT_AlterColumnType' && cmd.def && 'ColumnDef' in cmd.def) {
    const before = catalog.columns(table)?.find((column) => column.name === cmd.name)?.type;
    const after = typeNameText(cmd.def.ColumnDef.typeName);
    const def = cmd.def.ColumnDef;
    if (!before) return;
    // USING col::mid converts through mid; any other USING expression decides nothing we can read.
    const mid = def.raw_default && !usingIsTheColumn(def, cmd.name) ? usingCastType(def, cmd.name) : undefined;
    if (def.raw_default && !usingIsTheColumn(def, cmd.name) && !mid) return;
    const conversion = typeConversion(before, after, mid ? typeNameText(mid) : undefined);
    if (conversion === 'binary') {
      effect.rewrite = false;
      effect.scan = rebuiltPartialIndexes(catalog, table, cmd.name).length > 0;
    } else if (conversion === 'reindex') {
      const column = cmd.name;
      effect.rewrite = false;
      effect.scan = catalog.indexes(table).some((index) => index.columns.includes(column));
    } else if (conversion === 'utc-only' && timeZoneUtc && pgVersion >= 12) {
      // Metadata-only in a UTC session, but the column's indexes are still rebuilt (a scan under the lock).
      const column = cmd.name;
      effect.rewrite = false;
      effect.scan = catalog.indexes(table).some((index) => index.columns.includes(column));
    }
  }
}

/** Functions whose DEFAULT forces a rewrite on ADD COLUMN (volatile); PG 11+ stores other defaults as metadata. */
const VOLATILE_DEFAULT_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
]);

/** The table a new column's inline REFERENCES points to. */
function columnReference(def: import('libpg-query').ColumnDef): string | undefined {
  for (const item of def.constraints ?? []) {
    if ('Constraint' in item && item.Constraint.contype === 'CONSTR_FOREIGN')
      return relationKey(item.Constraint.pktable);
  }
  return undefined;
}

function sameLock(a: StatementLock, b: StatementLock): boolean {
  return a.table === b.table && a.mode === b.mode && a.on === b.on && a.rewrite === b.rewrite && a.scan === b.scan;
}

/** A DEFAULT calling a volatile function (PostgreSQL's default for a created one) gives each row its own value. */
function addColumnRewrites(def: import('libpg-query').ColumnDef, catalog?: CatalogView): boolean {
  const type = namesOf(def.typeName?.names).join('.');
  if (/(^|\.)(big|small)?serial[248]?$/.test(type)) return true;
  for (const item of def.constraints ?? []) {
    if (!('Constraint' in item)) continue;
    const constraint = item.Constraint;
    if (constraint.contype === 'CONSTR_GENERATED' || constraint.contype === 'CONSTR_IDENTITY') return true;
    if (constraint.contype === 'CONSTR_DEFAULT' && callsVolatileFunction(constraint.raw_expr, catalog)) return true;
  }
  return false;
}

/** A built-in volatile function, or one the migrations created without IMMUTABLE or STABLE. */
function callsVolatileFunction(node: unknown, catalog?: CatalogView): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((item) => callsVolatileFunction(item, catalog));
  const record = node as Record<string, unknown>;
  const call = record.FuncCall as { funcname?: Node[] } | undefined;
  if (call) {
    const names = namesOf(call.funcname);
    const name = names[names.length - 1] ?? '';
    if (VOLATILE_DEFAULT_FUNCTIONS.has(name) || catalog?.functionVolatility(name) === 'volatile') return true;
  }
  return Object.values(record).some((value) => callsVolatileFunction(value, catalog));
}
