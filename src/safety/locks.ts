import type { AlterTableCmd, Node } from 'libpg-query';
import { blocksWrites, LOCK_STRENGTH, lockModeOfNumber } from '../engines/postgresql/locks.js';
import { nodeType, typeNameText } from './ast.js';
import { namesOf, objectKey, relationKey } from './names.js';
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
 * Locks of one statement. `catalog` (the schema before the statement) resolves index names to their tables and
 * refines scans: SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) exists (PG 12+), and an
 * ALTER TYPE that is binary-coercible (varchar → text, widening varchar/numeric) does not rewrite.
 */
export function statementLocks(ast: Node, catalog?: CatalogView, pgVersion = 15): StatementLock[] {
  const locks: StatementLock[] = [];
  const add = (table: string | undefined, mode: PgLockMode, on: string, rewrite = false, scan = false) => {
    if (table) locks.push({ table, mode, on, rewrite, scan });
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
        if (stmt.objtype === 'OBJECT_INDEX') add(indexTarget(table, catalog), 'ACCESS EXCLUSIVE', 'index');
        break;
      }
      let mode: PgLockMode = 'SHARE UPDATE EXCLUSIVE';
      let rewrite = false;
      let scan = false;
      for (const item of stmt.cmds ?? []) {
        if (!('AlterTableCmd' in item)) continue;
        const effect = alterTableCmdLock(item.AlterTableCmd);
        refineWithCatalog(effect, item.AlterTableCmd, table, catalog, pgVersion);
        if (LOCK_STRENGTH[effect.mode] > LOCK_STRENGTH[mode]) mode = effect.mode;
        rewrite ||= effect.rewrite;
        scan ||= effect.scan;
        if (effect.referenced) add(effect.referenced, 'SHARE ROW EXCLUSIVE', 'referenced table');
        if (effect.partition) add(effect.partition, 'ACCESS EXCLUSIVE', 'partition', false, true);
      }
      add(table, mode, 'table', rewrite, scan);
      break;
    }
    case 'IndexStmt': {
      const stmt = (ast as { IndexStmt: import('libpg-query').IndexStmt }).IndexStmt;
      add(relationKey(stmt.relation), stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', 'table', false, true);
      break;
    }
    case 'CreateStmt': {
      const stmt = (ast as { CreateStmt: import('libpg-query').CreateStmt }).CreateStmt;
      for (const element of stmt.tableElts ?? []) {
        if ('Constraint' in element && element.Constraint.contype === 'CONSTR_FOREIGN') {
          add(relationKey(element.Constraint.pktable), 'SHARE ROW EXCLUSIVE', 'referenced table');
        }
        if ('ColumnDef' in element) {
          for (const constraint of element.ColumnDef.constraints ?? []) {
            if ('Constraint' in constraint && constraint.Constraint.contype === 'CONSTR_FOREIGN') {
              add(relationKey(constraint.Constraint.pktable), 'SHARE ROW EXCLUSIVE', 'referenced table');
            }
          }
        }
      }
      if (stmt.partbound) {
        for (const parent of stmt.inhRelations ?? []) {
          if ('RangeVar' in parent) add(relationKey(parent.RangeVar), 'ACCESS EXCLUSIVE', 'parent table');
        }
      }
      break;
    }
    case 'DropStmt': {
      const stmt = (ast as { DropStmt: import('libpg-query').DropStmt }).DropStmt;
      const objects = (stmt.objects ?? []).map((object) =>
        'List' in object ? objectKey(object.List.items) : undefined,
      );
      if (
        stmt.removeType === 'OBJECT_TABLE' ||
        stmt.removeType === 'OBJECT_MATVIEW' ||
        stmt.removeType === 'OBJECT_VIEW'
      ) {
        for (const key of objects) add(key, 'ACCESS EXCLUSIVE', stmt.removeType === 'OBJECT_TABLE' ? 'table' : 'view');
      } else if (stmt.removeType === 'OBJECT_INDEX') {
        for (const key of objects) {
          add(indexTarget(key, catalog), stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', 'table');
        }
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
      for (const relation of stmt.relations ?? []) {
        if ('RangeVar' in relation) add(relationKey(relation.RangeVar), 'ACCESS EXCLUSIVE', 'table');
      }
      break;
    }
    case 'RenameStmt': {
      const stmt = (ast as { RenameStmt: import('libpg-query').RenameStmt }).RenameStmt;
      const key = relationKey(stmt.relation);
      if (stmt.renameType === 'OBJECT_INDEX') add(indexTarget(key, catalog), 'SHARE UPDATE EXCLUSIVE', 'index');
      else if (stmt.relation) add(key, 'ACCESS EXCLUSIVE', 'table');
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
        if ('VacuumRelation' in relation) {
          add(
            relationKey(relation.VacuumRelation.relation),
            full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE',
            'table',
            full,
            true,
          );
        }
      }
      break;
    }
    case 'ReindexStmt': {
      const stmt = (ast as { ReindexStmt: import('libpg-query').ReindexStmt }).ReindexStmt;
      const concurrent = (stmt.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
      const key = relationKey(stmt.relation);
      const table = stmt.kind === 'REINDEX_OBJECT_INDEX' ? indexTarget(key, catalog) : key;
      add(table, concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', 'table', false, true);
      break;
    }
    case 'RefreshMatViewStmt': {
      const stmt = (ast as { RefreshMatViewStmt: import('libpg-query').RefreshMatViewStmt }).RefreshMatViewStmt;
      add(
        relationKey(stmt.relation),
        stmt.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE',
        'materialized view',
        !stmt.concurrent,
        true,
      );
      break;
    }
    case 'CreateTrigStmt': {
      const stmt = (ast as { CreateTrigStmt: import('libpg-query').CreateTrigStmt }).CreateTrigStmt;
      add(relationKey(stmt.relation), 'SHARE ROW EXCLUSIVE', 'table');
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
      }
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
        if ('RangeVar' in relation) add(relationKey(relation.RangeVar), mode, 'table');
      }
      break;
    }
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt':
    case 'MergeStmt': {
      const stmt = (ast as Record<string, { relation?: import('libpg-query').RangeVar }>)[type];
      add(relationKey(stmt?.relation), 'ROW EXCLUSIVE', 'table', false, type !== 'InsertStmt');
      break;
    }
    default:
      break;
  }
  return locks;
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

/** The lock one ALTER TABLE action needs (the statement takes the strongest of its actions). */
export function alterTableCmdLock(cmd: AlterTableCmd): CmdLock {
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
    return { mode: 'ACCESS EXCLUSIVE', rewrite: addColumnRewrites(cmd.def.ColumnDef), scan: false };
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
): void {
  if (!catalog || !table || !cmd.name) return;
  if (cmd.subtype === 'AT_SetNotNull' && pgVersion >= 12 && catalog.hasValidatedNotNullCheck(table, cmd.name)) {
    effect.scan = false;
  }
  if (cmd.subtype === 'AT_AlterColumnType' && cmd.def && 'ColumnDef' in cmd.def) {
    const before = catalog.columns(table)?.find((column) => column.name === cmd.name)?.type;
    const after = typeNameText(cmd.def.ColumnDef.typeName);
    if (before && isBinaryCoercible(before, after) && !cmd.def.ColumnDef.raw_default) {
      effect.rewrite = false;
      effect.scan = false;
    }
  }
}

/** Type changes PostgreSQL does without a rewrite (alter_table.sgml): same type, varchar→text, widening. */
export function isBinaryCoercible(before: string, after: string): boolean {
  if (before === after) return true;
  const parse = (type: string) => {
    const match = /^([a-z_ ]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(type);
    return match
      ? {
          base: normalizeBase(match[1] ?? ''),
          n: match[2] ? Number(match[2]) : undefined,
          s: match[3] ? Number(match[3]) : undefined,
        }
      : undefined;
  };
  const from = parse(before);
  const to = parse(after);
  if (!from || !to) return false;
  if ((from.base === 'varchar' || from.base === 'bpchar_as_text') && to.base === 'text') return from.base === 'varchar';
  if (from.base === 'varchar' && to.base === 'varchar')
    return to.n === undefined || (from.n !== undefined && to.n >= from.n);
  if (from.base === 'text' && to.base === 'varchar') return to.n === undefined;
  if (from.base === 'numeric' && to.base === 'numeric') {
    if (to.n === undefined) return true;
    if (from.n === undefined) return false;
    return (to.s ?? 0) === (from.s ?? 0) && to.n >= from.n;
  }
  if (from.base === 'timestamp' && to.base === 'timestamptz') return false;
  return false;
}

function normalizeBase(base: string): string {
  const aliases: Record<string, string> = { 'character varying': 'varchar', decimal: 'numeric' };
  return aliases[base] ?? base;
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

function addColumnRewrites(def: import('libpg-query').ColumnDef): boolean {
  const type = namesOf(def.typeName?.names).join('.');
  if (/(^|\.)(big|small)?serial[248]?$/.test(type)) return true;
  for (const item of def.constraints ?? []) {
    if (!('Constraint' in item)) continue;
    const constraint = item.Constraint;
    if (constraint.contype === 'CONSTR_GENERATED' || constraint.contype === 'CONSTR_IDENTITY') return true;
    if (constraint.contype === 'CONSTR_DEFAULT' && callsVolatileFunction(constraint.raw_expr)) return true;
  }
  return false;
}

function callsVolatileFunction(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(callsVolatileFunction);
  const record = node as Record<string, unknown>;
  const call = record.FuncCall as { funcname?: Node[] } | undefined;
  if (call) {
    const names = namesOf(call.funcname);
    if (VOLATILE_DEFAULT_FUNCTIONS.has(names[names.length - 1] ?? '')) return true;
  }
  return Object.values(record).some(callsVolatileFunction);
}
