import { diffSchemas } from '../schema/diff/diff.js';
import type { Schema, Table } from '../schema/model.js';
import type { Change } from './changes.js';
import type { DdlWriter, SchemaFacts, Step } from './ddl.js';
import { renameInExpression } from './expressions.js';
import { applyChange, defaultConstraintName, findTable } from './model-changes.js';

/**
 * The indexes, unique constraints, foreign keys and CHECKs of a column that a phased rename or type change
 * replaces with a new column: the same objects recreated on the new column (names derived from it), the drops of
 * the old ones, and the statements that restore the old ones when the contract is rolled back.
 */

export interface Companions {
  /** The old column's objects said again for the new column. */
  adds: Change[];
  /** Each new object's name and the old one's, with whether it is an index or a constraint. */
  names: { added: string; old: string; kind: 'index' | 'constraint' }[];
  /** Dropping the old column's foreign keys, CHECKs, unique constraints and indexes (before the column itself). */
  drops: Change[];
}

const mentions = (expression: string, column: string) => renameInExpression(expression, column, '\0') !== expression;

/** `table_from_key` → `table_to_key`; a name that does not spell the column gets the default name instead. */
function derivedName(table: string, name: string, from: string, to: string, columns: string[], suffix: string) {
  const prefix = name.startsWith(`${table}_`) ? `${table}_` : '';
  const rest = name.slice(prefix.length);
  const renamed = rest.includes(from) ? `${prefix}${rest.replace(from, to)}` : undefined;
  return (renamed ?? defaultConstraintName(table, columns, suffix)).slice(0, 63);
}

export function companionsOf(table: Table, from: string, to: string): Companions {
  const rename = (name: string) => (name === from ? to : renameInExpression(name, from, to));
  const named = (name: string, columns: string[], suffix: string) =>
    derivedName(table.name, name, from, to, columns.map(rename), suffix);
  // Keys before the foreign keys that need them (MySQL would add an index of its own), drops the other way round.
  const keys: Change[] = [];
  const checks: Change[] = [];
  const foreignKeys: Change[] = [];
  const drops: Change[] = [];
  const names: Companions['names'] = [];
  const uses = (columns: string[]) => columns.some((column) => column === from || mentions(column, from));
  for (const fk of table.foreignKeys.filter((item) => uses(item.columns))) {
    foreignKeys.push({
      op: 'add_foreign_key',
      table: table.name,
      columns: fk.columns.map(rename),
      references: {
        table: fk.referencedTable,
        columns: fk.referencedColumns,
        ...(fk.onDelete !== 'no action' ? { onDelete: fk.onDelete } : {}),
        ...(fk.onUpdate !== 'no action' ? { onUpdate: fk.onUpdate } : {}),
      },
      name: named(fk.name, fk.columns, 'fkey'),
    });
    names.push({ added: named(fk.name, fk.columns, 'fkey'), old: fk.name, kind: 'constraint' });
    drops.push({ op: 'drop_constraint', table: table.name, name: fk.name });
  }
  for (const check of table.checks.filter((item) => mentions(item.expression, from))) {
    checks.push({
      op: 'add_check',
      table: table.name,
      expression: renameInExpression(check.expression, from, to),
      name: named(check.name, [from], 'check'),
    });
    names.push({ added: named(check.name, [from], 'check'), old: check.name, kind: 'constraint' });
    drops.push({ op: 'drop_constraint', table: table.name, name: check.name });
  }
  for (const unique of table.uniques.filter((item) => uses(item.columns))) {
    keys.push({
      op: 'add_unique',
      table: table.name,
      columns: unique.columns.map(rename),
      name: named(unique.name, unique.columns, 'key'),
    });
    names.push({ added: named(unique.name, unique.columns, 'key'), old: unique.name, kind: 'constraint' });
    drops.push({ op: 'drop_constraint', table: table.name, name: unique.name });
  }
  const indexes = table.indexes.filter((item) => uses(item.columns) || (item.where && mentions(item.where, from)));
  for (const index of indexes) {
    keys.push({
      op: 'add_index',
      table: table.name,
      columns: index.columns.map(rename),
      name: named(index.name, index.columns, index.unique ? 'key' : 'idx'),
      ...(index.unique ? { unique: true } : {}),
      ...(index.where ? { where: renameInExpression(index.where, from, to) } : {}),
      ...(index.method && !/^btree$/i.test(index.method) ? { using: index.method } : {}),
    });
    names.push({
      added: named(index.name, index.columns, index.unique ? 'key' : 'idx'),
      old: index.name,
      kind: 'index',
    });
    drops.push({ op: 'drop_index', table: table.name, name: index.name });
  }
  return { adds: [...keys, ...checks, ...foreignKeys], names, drops };
}

/**
 * Rendered steps by the migration they belong in: the main one, one migration per concurrent step (with the name
 * of what it builds), the validation. A change is carried (for model edits and verify queries) by the migration of
 * its first step: a unique constraint by its concurrent index build, a foreign key by its NOT VALID add.
 */
export interface StagedSteps {
  main: Step[];
  mainChanges: Change[];
  concurrent: { step: Step; name: string; change?: Change }[];
  validate: Step[];
  validateChanges: Change[];
  schema: Schema;
}

function objectName(change: Change): string {
  return 'name' in change && change.name ? change.name : change.op;
}

/** Renders `changes` one after the other from `facts`, the schema model following along. */
export function renderStaged(writer: DdlWriter, facts: SchemaFacts, changes: Change[]): StagedSteps {
  const staged: StagedSteps = {
    main: [],
    mainChanges: [],
    concurrent: [],
    validate: [],
    validateChanges: [],
    schema: facts.schema,
  };
  for (const change of changes) {
    const steps = writer.render(change, { ...facts, schema: staged.schema });
    steps.forEach((item, index) => {
      const carries = index === 0 ? change : undefined;
      if (item.stage === 'concurrent')
        staged.concurrent.push({ step: item, name: objectName(change), ...(carries ? { change: carries } : {}) });
      else staged[item.stage].push(item);
      if (carries && item.stage !== 'concurrent') staged[`${item.stage}Changes`].push(carries);
    });
    staged.schema = applyChange(staged.schema, change);
  }
  return staged;
}

/** The schema with the objects `drops` names removed (and nothing else changed). */
export function withoutObjects(schema: Schema, drops: Change[]): Schema {
  return drops.reduce((model, change) => applyChange(model, change), schema);
}

/**
 * The statements that recreate the old column's objects once the column is back (contract rollback): the schema
 * diff from the model without them to the model with them, so names and definitions are exactly the old ones.
 */
export function restoreObjects(schema: Schema, table: string, drops: Change[]): string[] {
  if (!findTable(schema, table) || !drops.length) return [];
  return diffSchemas(withoutObjects(schema, drops), schema).operations.flatMap((operation) => operation.sql);
}
