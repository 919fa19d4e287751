import type { Node } from 'libpg-query';
import { nodeType } from './ast.js';
import { displayTable, namesOf, objectKey, relationKey } from './names.js';
import type { CatalogView } from './types.js';

/**
 * Structural facts the safety checklist is answered from, gathered statement by statement with the catalog as
 * it stood before each statement. They do not depend on which rules are enabled or ignored: the checklist
 * describes the migration, findings describe what to change.
 */

export interface StatementRef {
  index: number;
  line: number;
  what: string;
}

export interface ForeignKeyFact extends StatementRef {
  table: string;
  columns: string[];
  references: string;
  /** true: known to exist; false: known not to; undefined: schema unknown. */
  referencedExists: boolean | undefined;
}

export interface MigrationFacts {
  dataLoss: StatementRef[];
  /** Type changes that may fail or lose precision on existing rows. */
  lossyConversions: StatementRef[];
  incompatible: StatementRef[];
  foreignKeys: ForeignKeyFact[];
  notIdempotent: StatementRef[];
  /** Statements that created or changed an existing table (for "additive only" evidence). */
  statementCount: number;
}

export function emptyFacts(): MigrationFacts {
  return {
    dataLoss: [],
    lossyConversions: [],
    incompatible: [],
    foreignKeys: [],
    notIdempotent: [],
    statementCount: 0,
  };
}

export function collectFacts(
  facts: MigrationFacts,
  ast: Node,
  index: number,
  line: number,
  catalog: CatalogView,
  /** Run by a DO block under a condition or an exception handler: a second run passes it, so it is no retry hazard. */
  { guarded = false }: { guarded?: boolean } = {},
): void {
  facts.statementCount++;
  const at = (what: string): StatementRef => ({ index, line, what });
  const notIdempotent = (ref: StatementRef) => {
    if (!guarded) facts.notIdempotent.push(ref);
  };
  const existing = (table: string | undefined): table is string =>
    table !== undefined && !catalog.tableCreatedInThisMigration(table);
  switch (nodeType(ast)) {
    case 'DropStmt': {
      const stmt = (ast as { DropStmt: import('libpg-query').DropStmt }).DropStmt;
      const type = stmt.removeType ?? '';
      const keys: string[] = [];
      for (const object of stmt.objects ?? []) {
        const key =
          'List' in object
            ? objectKey(object.List.items)
            : 'String' in object
              ? `public.${object.String.sval}`
              : undefined;
        if (key) keys.push(key);
      }
      if (!stmt.missing_ok)
        notIdempotent(
          at(`DROP ${[objectWord(type).toUpperCase(), ...keys.map(displayTable)].join(' ')} without IF EXISTS`),
        );
      for (const key of keys) {
        if ((type === 'OBJECT_TABLE' || type === 'OBJECT_SCHEMA') && existing(key)) {
          facts.dataLoss.push(at(`drops ${objectWord(type)} ${displayTable(key)} and its rows`));
          facts.incompatible.push(at(`drops ${objectWord(type)} ${displayTable(key)} that old code may still use`));
        }
        if (type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW') {
          facts.incompatible.push(at(`drops view ${displayTable(key)} that old code may still read`));
        }
      }
      break;
    }
    case 'TruncateStmt': {
      const stmt = (ast as { TruncateStmt: import('libpg-query').TruncateStmt }).TruncateStmt;
      for (const relation of stmt.relations ?? []) {
        if ('RangeVar' in relation)
          facts.dataLoss.push(at(`empties ${displayTable(relationKey(relation.RangeVar) ?? '')}`));
      }
      break;
    }
    case 'DeleteStmt': {
      const stmt = (ast as { DeleteStmt: import('libpg-query').DeleteStmt }).DeleteStmt;
      const table = relationKey(stmt.relation);
      if (existing(table))
        facts.dataLoss.push(
          at(`deletes rows from ${displayTable(table)}${stmt.whereClause ? '' : ' (every row: no WHERE)'}`),
        );
      break;
    }
    case 'UpdateStmt': {
      const stmt = (ast as { UpdateStmt: import('libpg-query').UpdateStmt }).UpdateStmt;
      const table = relationKey(stmt.relation);
      // Columns this migration added hold no earlier data (only NULL or the default they were just given).
      const overwritten = (stmt.targetList ?? []).flatMap((target) => {
        const name = 'ResTarget' in target ? target.ResTarget.name : undefined;
        return name && table && !catalog.columnAddedInThisMigration(table, name) ? [name] : [];
      });
      if (existing(table) && !stmt.whereClause && overwritten.length > 0)
        facts.dataLoss.push(at(`overwrites columns of every row of ${displayTable(table)} (no WHERE)`));
      break;
    }
    case 'RenameStmt': {
      const stmt = (ast as { RenameStmt: import('libpg-query').RenameStmt }).RenameStmt;
      const table = relationKey(stmt.relation);
      if (!existing(table)) break;
      if (stmt.renameType === 'OBJECT_TABLE')
        facts.incompatible.push(at(`renames table ${displayTable(table)} to ${stmt.newname}`));
      if (stmt.renameType === 'OBJECT_COLUMN') {
        facts.incompatible.push(at(`renames column ${displayTable(table)}.${stmt.subname} to ${stmt.newname}`));
      }
      break;
    }
    case 'CreateStmt': {
      const stmt = (ast as { CreateStmt: import('libpg-query').CreateStmt }).CreateStmt;
      const table = relationKey(stmt.relation);
      if (!stmt.if_not_exists) notIdempotent(at(`CREATE TABLE ${displayTable(table ?? '')} without IF NOT EXISTS`));
      for (const element of stmt.tableElts ?? []) {
        if ('Constraint' in element) addForeignKey(facts, at, element.Constraint, table, undefined, catalog);
        if ('ColumnDef' in element) {
          for (const item of element.ColumnDef.constraints ?? []) {
            if ('Constraint' in item)
              addForeignKey(facts, at, item.Constraint, table, element.ColumnDef.colname, catalog);
          }
        }
      }
      break;
    }
    case 'IndexStmt': {
      const stmt = (ast as { IndexStmt: import('libpg-query').IndexStmt }).IndexStmt;
      if (!stmt.if_not_exists)
        notIdempotent(at(`CREATE INDEX ${stmt.idxname ?? ''} without IF NOT EXISTS`.replace('  ', ' ')));
      break;
    }
    case 'CreateSeqStmt':
    case 'CreateSchemaStmt':
    case 'CreateExtensionStmt': {
      const stmt = (ast as Record<string, { if_not_exists?: boolean }>)[nodeType(ast)];
      if (!stmt?.if_not_exists)
        notIdempotent(
          at(
            `${nodeType(ast)
              .replace(/^Create|Stmt$/g, '')
              .toUpperCase()} without IF NOT EXISTS`,
          ),
        );
      break;
    }
    case 'AlterTableStmt': {
      const stmt = (ast as { AlterTableStmt: import('libpg-query').AlterTableStmt }).AlterTableStmt;
      const table = relationKey(stmt.relation);
      if (!table || stmt.objtype !== 'OBJECT_TABLE') break;
      const isExisting = existing(table);
      const name = displayTable(table);
      for (const item of stmt.cmds ?? []) {
        if (!('AlterTableCmd' in item)) continue;
        const cmd = item.AlterTableCmd;
        switch (cmd.subtype) {
          case 'AT_AddColumn': {
            if (!cmd.missing_ok) {
              const column = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef.colname : undefined;
              notIdempotent(at(`ADD COLUMN ${column ? `${name}.${column}` : `on ${name}`} without IF NOT EXISTS`));
            }
            const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
            if (!def) break;
            const kinds = (def.constraints ?? []).map((c) => ('Constraint' in c ? c.Constraint.contype : undefined));
            const notNull = kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_PRIMARY');
            const hasDefault = kinds.some(
              (k) => k === 'CONSTR_DEFAULT' || k === 'CONSTR_IDENTITY' || k === 'CONSTR_GENERATED',
            );
            const serial = /serial/.test(namesOf(def.typeName?.names).join('.'));
            if (isExisting && notNull && !hasDefault && !serial) {
              facts.incompatible.push(
                at(`adds NOT NULL column ${name}.${def.colname} without a default: old INSERTs that omit it fail`),
              );
            }
            for (const item2 of def.constraints ?? []) {
              if ('Constraint' in item2) addForeignKey(facts, at, item2.Constraint, table, def.colname, catalog);
            }
            break;
          }
          case 'AT_DropColumn':
            if (!cmd.missing_ok) notIdempotent(at(`DROP COLUMN ${name}.${cmd.name ?? ''} without IF EXISTS`));
            if (isExisting) {
              // Its values copied into a column this migration added (a type change by copy) are not lost.
              if (!cmd.name || !catalog.columnCopied(table, cmd.name))
                facts.dataLoss.push(at(`drops column ${name}.${cmd.name} and its data`));
              facts.incompatible.push(at(`drops column ${name}.${cmd.name} that old code may still read or write`));
            }
            break;
          case 'AT_AlterColumnType':
            if (isExisting) {
              facts.incompatible.push(
                at(`changes the type of ${name}.${cmd.name}: old code may send or expect the old type`),
              );
              facts.lossyConversions.push(
                at(`converts ${name}.${cmd.name} in place: existing values must convert cleanly`),
              );
            }
            break;
          case 'AT_SetNotNull':
            // A column already NOT NULL changes nothing for old code.
            if (isExisting && !(cmd.name && catalog.columnNotNull(table, cmd.name) === true))
              facts.incompatible.push(at(`makes ${name}.${cmd.name} NOT NULL: old code writing NULL fails`));
            break;
          case 'AT_DropConstraint':
            if (!cmd.missing_ok) notIdempotent(at(`DROP CONSTRAINT ${cmd.name ?? ''} on ${name} without IF EXISTS`));
            break;
          case 'AT_AddConstraint':
            if (cmd.def && 'Constraint' in cmd.def)
              addForeignKey(facts, at, cmd.def.Constraint, table, undefined, catalog);
            break;
          default:
            break;
        }
      }
      break;
    }
    default:
      break;
  }
}

function addForeignKey(
  facts: MigrationFacts,
  at: (what: string) => StatementRef,
  constraint: import('libpg-query').Constraint,
  table: string | undefined,
  column: string | undefined,
  catalog: CatalogView,
): void {
  if (constraint.contype !== 'CONSTR_FOREIGN' || !table) return;
  const references = relationKey(constraint.pktable);
  if (!references) return;
  const columns = column ? [column] : namesOf(constraint.fk_attrs);
  const referencedExists =
    references === table || catalog.tableExists(references) ? true : catalog.schemaKnown ? false : undefined;
  facts.foreignKeys.push({
    ...at(`foreign key ${displayTable(table)}(${columns.join(', ')}) → ${displayTable(references)}`),
    table,
    columns,
    references,
    referencedExists,
  });
}

function objectWord(removeType: string): string {
  return removeType
    .replace(/^OBJECT_/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}
