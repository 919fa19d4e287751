import type { Node, RangeVar } from 'libpg-query';
import { nodeType } from './ast.js';
import { displayTable, namesOf, objectKey, relationKey } from './names.js';
import { isSystemOrToolRelation } from './system-relations.js';
import type { CatalogView } from './types.js';

/**
 * References to tables and columns that cannot exist at this point of the migration. Tables are judged only
 * when the schema is known (snapshot or history); columns whenever the table's full column list is known.
 */

export interface MissingReference {
  kind: 'table' | 'column';
  table: string;
  column?: string;
  message: string;
}

interface Reference {
  table: string;
  columns: string[];
  /** IF EXISTS: absence is allowed. */
  optional: boolean;
  /** Written without a schema: found through the session's search_path. */
  unqualified: boolean;
}

/**
 * `searchPath`: the schemas a `SET search_path` of the session names, in order. An unqualified name is looked up
 * in each of them (tables are keyed `public.x` when written without a schema).
 */
export function missingReferences(ast: Node, catalog: CatalogView, searchPath?: readonly string[]): MissingReference[] {
  const references = referencesOf(ast);
  if (references.length === 0) return [];
  const missing: MissingReference[] = [];
  const createdHere = createdTable(ast);
  for (const found of references) {
    if (found.table === createdHere) continue;
    const reference = searchPath && found.unqualified ? throughSearchPath(found, catalog, searchPath) : found;
    if (!catalog.tableExists(reference.table)) {
      if (catalog.schemaKnown && !reference.optional && !isSystemOrToolRelation(reference.table)) {
        missing.push({
          kind: 'table',
          table: reference.table,
          message: `Table ${displayTable(reference.table)} does not exist at this point: it is not in the schema snapshot, not created by an earlier migration and not earlier in this file.`,
        });
      }
      continue;
    }
    for (const column of reference.columns) {
      if (catalog.columnExists(reference.table, column) === false) {
        missing.push({
          kind: 'column',
          table: reference.table,
          column,
          message: `Column ${column} does not exist in table ${displayTable(reference.table)} at this point (known columns: ${(catalog.columns(reference.table) ?? []).map((info) => info.name).join(', ') || 'none'}).`,
        });
      }
    }
  }
  return missing;
}

function createdTable(ast: Node): string | undefined {
  if ('CreateStmt' in ast) return relationKey(ast.CreateStmt.relation);
  return undefined;
}

function ref(relation: RangeVar | undefined, columns: string[], optional: boolean): Reference[] {
  const table = relationKey(relation);
  return table ? [{ table, columns, optional, unqualified: !relation?.schemaname }] : [];
}

/** The reference as the first schema of the search path that has its table resolves it (else unchanged). */
function throughSearchPath(reference: Reference, catalog: CatalogView, searchPath: readonly string[]): Reference {
  const name = reference.table.slice(reference.table.indexOf('.') + 1);
  for (const schema of searchPath) {
    const key = `${schema}.${name}`;
    if (catalog.tableExists(key)) return { ...reference, table: key };
  }
  return reference;
}

function referencesOf(ast: Node): Reference[] {
  switch (nodeType(ast)) {
    case 'AlterTableStmt': {
      const stmt = (ast as { AlterTableStmt: import('libpg-query').AlterTableStmt }).AlterTableStmt;
      if (stmt.objtype !== 'OBJECT_TABLE') return [];
      // PostgreSQL runs a statement's subcommands in passes: drops, type changes and DROP NOT NULL / DROP DEFAULT
      // before it adds columns; constraints, SET NOT NULL, SET DEFAULT and column options after, so these may
      // name a column the same statement adds.
      const before: string[] = [];
      const after: string[] = [];
      const references: Reference[] = [];
      const added = new Set<string>();
      for (const item of stmt.cmds ?? []) {
        if (!('AlterTableCmd' in item)) continue;
        const cmd = item.AlterTableCmd;
        switch (cmd.subtype) {
          case 'AT_DropColumn':
            if (!cmd.missing_ok && cmd.name) before.push(cmd.name);
            break;
          case 'AT_AlterColumnType':
          case 'AT_DropNotNull':
            if (cmd.name) before.push(cmd.name);
            break;
          case 'AT_ColumnDefault':
            if (cmd.name) (cmd.def ? after : before).push(cmd.name);
            break;
          case 'AT_SetNotNull':
          case 'AT_SetStatistics':
          case 'AT_SetStorage':
            if (cmd.name) after.push(cmd.name);
            break;
          case 'AT_AddConstraint':
            if (cmd.def && 'Constraint' in cmd.def) {
              const constraint = cmd.def.Constraint;
              after.push(...namesOf(constraint.keys), ...namesOf(constraint.fk_attrs));
              if (constraint.contype === 'CONSTR_FOREIGN') {
                references.push(...ref(constraint.pktable, namesOf(constraint.pk_attrs), false));
              }
            }
            break;
          case 'AT_AddColumn':
            if (cmd.def && 'ColumnDef' in cmd.def) {
              references.push(...inlineForeignKeys(cmd.def.ColumnDef));
              if (cmd.def.ColumnDef.colname) added.add(cmd.def.ColumnDef.colname);
            }
            break;
          default:
            break;
        }
      }
      const existing = [...before, ...after.filter((column) => !added.has(column))];
      return [...ref(stmt.relation, existing, stmt.missing_ok === true), ...references];
    }
    case 'IndexStmt': {
      const stmt = (ast as { IndexStmt: import('libpg-query').IndexStmt }).IndexStmt;
      const columns: string[] = [];
      for (const param of stmt.indexParams ?? []) {
        if ('IndexElem' in param && param.IndexElem.name) columns.push(param.IndexElem.name);
      }
      return ref(stmt.relation, columns, false);
    }
    case 'CreateStmt': {
      const stmt = (ast as { CreateStmt: import('libpg-query').CreateStmt }).CreateStmt;
      const references: Reference[] = [];
      for (const element of stmt.tableElts ?? []) {
        if ('ColumnDef' in element) references.push(...inlineForeignKeys(element.ColumnDef));
        if ('Constraint' in element && element.Constraint.contype === 'CONSTR_FOREIGN') {
          references.push(...ref(element.Constraint.pktable, namesOf(element.Constraint.pk_attrs), false));
        }
        if ('TableLikeClause' in element) references.push(...ref(element.TableLikeClause.relation, [], false));
      }
      for (const parent of stmt.inhRelations ?? []) {
        if ('RangeVar' in parent) references.push(...ref(parent.RangeVar, [], false));
      }
      return references;
    }
    case 'DropStmt': {
      const stmt = (ast as { DropStmt: import('libpg-query').DropStmt }).DropStmt;
      if (stmt.removeType !== 'OBJECT_TABLE' || stmt.missing_ok) return [];
      const references: Reference[] = [];
      for (const object of stmt.objects ?? []) {
        const items = 'List' in object ? object.List.items : undefined;
        const key = items ? objectKey(items) : undefined;
        if (key) references.push({ table: key, columns: [], optional: false, unqualified: items?.length === 1 });
      }
      return references;
    }
    case 'TruncateStmt': {
      const stmt = (ast as { TruncateStmt: import('libpg-query').TruncateStmt }).TruncateStmt;
      return (stmt.relations ?? []).flatMap((relation) =>
        'RangeVar' in relation ? ref(relation.RangeVar, [], false) : [],
      );
    }
    case 'RenameStmt': {
      const stmt = (ast as { RenameStmt: import('libpg-query').RenameStmt }).RenameStmt;
      if (stmt.renameType === 'OBJECT_TABLE') return ref(stmt.relation, [], stmt.missing_ok === true);
      if (stmt.renameType === 'OBJECT_COLUMN') {
        return ref(stmt.relation, stmt.subname ? [stmt.subname] : [], stmt.missing_ok === true);
      }
      return [];
    }
    case 'CreateTrigStmt':
      return ref((ast as { CreateTrigStmt: import('libpg-query').CreateTrigStmt }).CreateTrigStmt.relation, [], false);
    case 'UpdateStmt': {
      const stmt = (ast as { UpdateStmt: import('libpg-query').UpdateStmt }).UpdateStmt;
      const columns: string[] = [];
      for (const target of stmt.targetList ?? []) {
        if ('ResTarget' in target && target.ResTarget.name) columns.push(target.ResTarget.name);
      }
      return ref(stmt.relation, columns, false);
    }
    case 'InsertStmt': {
      const stmt = (ast as { InsertStmt: import('libpg-query').InsertStmt }).InsertStmt;
      const columns: string[] = [];
      for (const target of stmt.cols ?? []) {
        if ('ResTarget' in target && target.ResTarget.name) columns.push(target.ResTarget.name);
      }
      return ref(stmt.relation, columns, false);
    }
    case 'DeleteStmt':
      return ref((ast as { DeleteStmt: import('libpg-query').DeleteStmt }).DeleteStmt.relation, [], false);
    default:
      return [];
  }
}

function inlineForeignKeys(def: import('libpg-query').ColumnDef): Reference[] {
  const references: Reference[] = [];
  for (const item of def.constraints ?? []) {
    if ('Constraint' in item && item.Constraint.contype === 'CONSTR_FOREIGN') {
      references.push(...ref(item.Constraint.pktable, namesOf(item.Constraint.pk_attrs), false));
    }
  }
  return references;
}
