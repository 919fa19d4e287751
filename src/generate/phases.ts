import { diffSchemas } from '../schema/diff/diff.js';
import type { Column, Schema, Table } from '../schema/model.js';
import type { Change } from './changes.js';
import { type Companions, companionsOf, renderStaged, restoreObjects } from './column-companions.js';
import type { DdlWriter, SchemaFacts, Step } from './ddl.js';
import { applyChange, defaultConstraintName, findTable } from './model-changes.js';
import type { PlanOptions } from './plan.js';
import type { MigrationDraft } from './types.js';

/**
 * The phased sequences for steps unsafe for running code — rename, type change, NOT NULL on a column with rows —
 * each phase a migration of its own saying what the application must do before it runs.
 */

export type Label = NonNullable<MigrationDraft['phase']>['label'];

/** A migration of the plan before its statements are finished (lock-timeout preamble, own transaction). */
export interface PendingDraft {
  name: string;
  label: Label;
  steps: Step[];
  transactional: boolean;
  changes: Change[];
  applicationChange?: string;
  /** Statements written as they are, without a lock-timeout preamble (a single-statement non-transactional migration). */
  bare?: boolean;
}

/** The raw_sql changes the planner wrote itself, as opposed to a caller's own SQL, which writers keep verbatim. */
const PLANNER_SQL = new WeakSet<Change>();

export function isPlannerSql(change: Change): boolean {
  return PLANNER_SQL.has(change);
}

export function rawChange(step: Step, transactional: boolean): Change {
  const change: Change = {
    op: 'raw_sql',
    up: step.up.join(';\n'),
    down: step.down.join(';\n') || '-- nothing to undo',
    transactional,
  };
  PLANNER_SQL.add(change);
  return change;
}

function columnSpec(column: Column, name = column.name) {
  return {
    name,
    type: column.rawType ?? column.type,
    nullable: true,
    ...(column.default !== undefined ? { default: column.default } : {}),
  };
}

function keyOf(table: Table): string[] | undefined {
  return table.primaryKey?.columns.length ? table.primaryKey.columns : undefined;
}

function batchOf(options: PlanOptions) {
  return { batchSize: options.batchSize ?? 1_000, pauseSeconds: options.pauseSeconds ?? 0.1 };
}

function backfillDraft(
  writer: DdlWriter,
  name: string,
  table: Table,
  column: string,
  expression: string,
  pending: string,
  down: string[],
  options: PlanOptions,
  applicationChange: string,
): PendingDraft {
  const key = keyOf(table);
  const fill = writer.backfill({
    table: table.name,
    column,
    expression,
    pending,
    ...(key ? { key } : {}),
    ...batchOf(options),
  });
  const step: Step = { up: fill.up, down, stage: 'main', locksExisting: false };
  return {
    name,
    label: 'backfill',
    steps: [step],
    transactional: fill.transactional,
    changes: [rawChange(step, fill.transactional)],
    bare: !fill.transactional,
    applicationChange,
  };
}

/**
 * The old column's indexes, unique constraints, foreign keys and CHECKs recreated on the new column: the statements
 * that can run in the expand migration, the concurrent index builds (a migration each, before the backfill), the
 * validations (after it); and for the contract, the drops of the old ones and the statements restoring them on
 * rollback.
 */
function carryObjects(writer: DdlWriter, facts: SchemaFacts, table: Table, from: string, to: string) {
  const { adds, drops, names } = companionsOf(table, from, to);
  const staged = renderStaged(writer, facts, adds);
  const indexDrafts: PendingDraft[] = staged.concurrent.map(({ step, name, change }) => ({
    name: `add_${name}`,
    label: 'index',
    steps: [step],
    transactional: false,
    changes: [change ?? rawChange(step, false)],
    bare: true,
  }));
  const validateDrafts: PendingDraft[] = staged.validate.length
    ? [
        {
          name: `validate_${table.name}_${to}_constraints`,
          label: 'validate',
          steps: staged.validate,
          transactional: writer.transactionalDdl,
          changes: staged.validate.map((step) => rawChange(step, writer.transactionalDdl)),
          applicationChange: `None: the backfill has filled ${to}, so its constraints can be validated.`,
        },
      ]
    : [];
  return {
    expandSteps: staged.main,
    expandChanges: staged.mainChanges,
    indexDrafts,
    validateDrafts,
    /** The model with both columns and all their objects (before the contract). */
    full: staged.schema,
    drops,
    restore: restoreObjects(staged.schema, table.name, drops),
    names,
  };
}

type Renamed = { from: string; to: string; kind: 'index' | 'constraint' };

/** The model with each named object of `table` under its new name (an index's stored definition dropped with it). */
function withObjectNames(schema: Schema, table: string, renamed: Renamed[]): Schema {
  const copy = structuredClone(schema);
  const target = findTable(copy, table);
  if (!target) return copy;
  const to = new Map(renamed.map((item) => [item.from, item.to]));
  for (const index of target.indexes) {
    const name = to.get(index.name);
    if (!name) continue;
    index.name = name;
    delete index.definition;
  }
  for (const item of [...target.uniques, ...target.foreignKeys, ...target.checks])
    item.name = to.get(item.name) ?? item.name;
  return copy;
}

/**
 * The statements that rename the objects of `table` from the model `before`: PostgreSQL renames indexes and
 * constraints in place; MySQL/MariaDB rename indexes (unique keys are indexes there) in place and drop and re-add
 * foreign keys and CHECKs under the other name (they have no rename); SQLite drops and recreates the indexes and
 * rebuilds the table for constraint names, both said by the schema diff.
 */
function renameObjects(writer: DdlWriter, table: string, renamed: Renamed[], before: Schema): string[] {
  if (!renamed.length) return [];
  const q = writer.quote;
  if (writer.engine === 'postgresql')
    return renamed.map((item) =>
      item.kind === 'index'
        ? `ALTER INDEX ${q(item.from)} RENAME TO ${q(item.to)}`
        : `ALTER TABLE ${q(table)} RENAME CONSTRAINT ${q(item.from)} TO ${q(item.to)}`,
    );
  const after = withObjectNames(before, table, renamed);
  const diff = (from: Schema, to: Schema) => diffSchemas(from, to).operations.flatMap((operation) => operation.sql);
  if (writer.engine !== 'mysql') return diff(before, after);
  const own = findTable(before, table);
  const isIndex = (name: string) => !!own && [...own.indexes, ...own.uniques].some((item) => item.name === name);
  const indexes = renamed.filter((item) => isIndex(item.from));
  const indexesRenamed = withObjectNames(before, table, indexes);
  return [
    ...indexes.map((item) => `ALTER TABLE ${q(table)} RENAME INDEX ${q(item.from)} TO ${q(item.to)}`),
    ...diff(indexesRenamed, after),
  ];
}

/**
 * Once the old objects are gone, the new ones take their names back (a type change's column ends under the old
 * name, so `users_email_new_key` is `users_email_key` again): the renames from the model `before`, the model
 * after them, and — from the model `final` the contract ends with — the renames that undo them on rollback.
 */
function takeBackNames(
  writer: DdlWriter,
  table: string,
  names: Companions['names'],
  before: Schema,
  final: (schema: Schema) => Schema,
) {
  const back = names
    .filter((name) => name.added !== name.old)
    .map((name) => ({ from: name.added, to: name.old, kind: name.kind }));
  const after = withObjectNames(before, table, back);
  const undo = back.map((item) => ({ from: item.to, to: item.from, kind: item.kind }));
  return {
    up: renameObjects(writer, table, back, before),
    after,
    down: renameObjects(writer, table, undo, final(after)),
  };
}

/**
 * The contract's drops of the old column's objects, from the model `facts` holds, and the model after them. They
 * run in the contract's own transaction, not concurrently: the column drop that follows locks the table anyway.
 */
function dropOldObjects(writer: DdlWriter, facts: SchemaFacts, drops: Change[]) {
  const detached = renderStaged(writer, { ...facts, existing: () => undefined }, drops);
  return { up: detached.main.flatMap((step) => step.up), schema: detached.schema };
}

/** rename: add the new column, copy the values in batches, drop the old one once the code uses the new name. */
export function renamePhases(
  writer: DdlWriter,
  facts: () => SchemaFacts,
  table: Table,
  column: Column,
  to: string,
  options: PlanOptions,
): PendingDraft[] {
  const q = writer.quote;
  const add: Change = { op: 'add_column', table: table.name, column: columnSpec(column, to) };
  const expandSteps = writer.render(add, facts());
  const at = (schema: Schema): SchemaFacts => ({ ...facts(), schema });
  const carried = carryObjects(writer, at(applyChange(facts().schema, add)), table, column.name, to);
  const expanded = carried.full;
  const drop: Change = { op: 'drop_column', table: table.name, column: column.name };
  const contractSteps: Step[] = [];
  const reAdd: Change = { op: 'add_column', table: table.name, column: columnSpec(column) };
  const notNullNew: Change = { op: 'alter_column', table: table.name, column: to, nullable: false };
  const notNullOld: Change = { op: 'alter_column', table: table.name, column: column.name, nullable: false };
  const detached = dropOldObjects(
    writer,
    at(column.nullable ? expanded : applyChange(expanded, notNullNew)),
    carried.drops,
  );
  const afterDrop = applyChange(detached.schema, drop);
  const dropSteps = writer.render(drop, at(detached.schema));
  const readded = applyChange(afterDrop, reAdd);
  const proof = !column.nullable && writer.engine === 'postgresql' ? notNullProof(writer, table.name, to) : undefined;
  contractSteps.push({
    up: [
      // Rows written by code that did not write both columns yet, since the backfill ran.
      `UPDATE ${q(table.name)} SET ${q(to)} = ${q(column.name)} WHERE ${q(to)} IS NULL AND ${q(column.name)} IS NOT NULL`,
      ...(proof ? [proof.validate] : []),
      ...(column.nullable ? [] : writer.render(notNullNew, at(expanded)).flatMap((step) => step.up)),
      ...(proof ? [proof.dropCheck] : []),
      ...detached.up,
      ...dropSteps.flatMap((step) => step.up),
    ],
    down: [
      ...writer.render(reAdd, at(afterDrop)).flatMap((step) => step.up),
      `UPDATE ${q(table.name)} SET ${q(column.name)} = ${q(to)}`,
      ...(column.nullable ? [] : writer.render(notNullOld, at(readded)).flatMap((step) => step.up)),
      ...(column.nullable
        ? []
        : writer
            .render({ ...notNullNew, nullable: true }, at(applyChange(expanded, notNullNew)))
            .flatMap((step) => step.up)),
      ...(proof ? [proof.readdCheck] : []),
      ...carried.restore,
    ],
    stage: 'main',
    locksExisting: true,
    destroys: `the old column ${table.name}.${column.name} (its values were copied to ${to})`,
  });
  return [
    {
      name: `add_${to}_to_${table.name}`,
      label: 'expand',
      steps: [...expandSteps, ...carried.expandSteps],
      transactional: writer.transactionalDdl,
      changes: [add, ...carried.expandChanges],
      applicationChange: `Deploy code that writes the same value to both ${table.name}.${column.name} and ${table.name}.${to}, and still reads ${column.name}.`,
    },
    ...carried.indexDrafts,
    backfillDraft(
      writer,
      `backfill_${table.name}_${to}`,
      table,
      to,
      q(column.name),
      `${q(to)} IS NULL AND ${q(column.name)} IS NOT NULL`,
      [`UPDATE ${q(table.name)} SET ${q(to)} = NULL`],
      options,
      `Keep writing both columns while this copies ${column.name} into ${to} for the existing rows.`,
    ),
    ...carried.validateDrafts,
    ...(proof ? [proof.prepare] : []),
    {
      name: `drop_${column.name}_from_${table.name}`,
      label: 'contract',
      steps: contractSteps,
      transactional: writer.transactionalDdl,
      changes: [...(column.nullable ? [] : [notNullNew]), ...carried.drops, drop],
      applicationChange: `Deploy code that reads and writes only ${table.name}.${to} before this migration runs.`,
    },
  ];
}

/** type change: a new column of the new type, converted values copied in batches, then swapped in by name. */
export function typePhases(
  writer: DdlWriter,
  facts: () => SchemaFacts,
  table: Table,
  column: Column,
  type: string,
  using: string | undefined,
  options: PlanOptions,
): PendingDraft[] {
  const q = writer.quote;
  const temp = `${column.name}_new`.slice(0, 63);
  const at = (schema: Schema): SchemaFacts => ({ ...facts(), schema });
  const add: Change = { op: 'add_column', table: table.name, column: { name: temp, type, nullable: true } };
  const carried = carryObjects(writer, at(applyChange(facts().schema, add)), table, column.name, temp);
  const drop: Change = { op: 'drop_column', table: table.name, column: column.name };
  const rename: Change = { op: 'rename_column', table: table.name, from: temp, to: column.name };
  const detached = dropOldObjects(writer, at(carried.full), carried.drops);
  const dropped = applyChange(detached.schema, drop);
  const notNull: Change = { op: 'alter_column', table: table.name, column: column.name, nullable: false };
  // After the rename the new objects still have their `_new`-derived names; the contract gives them the old ones.
  const renamedNew = applyChange(dropped, rename);
  const names = takeBackNames(writer, table.name, carried.names, renamedNew, (schema) =>
    column.nullable ? schema : applyChange(schema, notNull),
  );
  const renamed = names.after;
  const converted = writer.convert(column.name, type, using);
  const proof = !column.nullable && writer.engine === 'postgresql' ? notNullProof(writer, table.name, temp) : undefined;
  const up = [
    // Rows written by code that did not write both columns yet, since the backfill ran.
    `UPDATE ${q(table.name)} SET ${q(temp)} = ${converted} WHERE ${q(temp)} IS NULL AND ${q(column.name)} IS NOT NULL`,
    ...(proof ? [proof.validate] : []),
    ...detached.up,
    ...writer.render(drop, at(detached.schema)).flatMap((step) => step.up),
    ...writer.render(rename, at(dropped)).flatMap((step) => step.up),
    ...names.up,
    ...(column.nullable ? [] : writer.render(notNull, at(renamed)).flatMap((step) => step.up)),
    ...(proof ? [proof.dropCheck] : []),
  ];
  // The down rebuilds the expanded state: the new values back under the temporary name, the old column re-made.
  const reAdd: Change = { op: 'add_column', table: table.name, column: columnSpec(column) };
  const backRename: Change = { op: 'rename_column', table: table.name, from: column.name, to: temp };
  // The down first gives the objects their `_new`-derived names back (names.down): it goes on from that model.
  const relaxed = column.nullable ? renamedNew : applyChange(renamedNew, { ...notNull, nullable: true });
  const backRenamed = applyChange(relaxed, backRename);
  const readded = applyChange(backRenamed, reAdd);
  const down = [
    ...names.down,
    ...(column.nullable
      ? []
      : writer.render({ ...notNull, nullable: true }, at(applyChange(renamedNew, notNull))).flatMap((step) => step.up)),
    ...writer.render(backRename, at(relaxed)).flatMap((step) => step.up),
    ...writer.render(reAdd, at(backRenamed)).flatMap((step) => step.up),
    `UPDATE ${q(table.name)} SET ${q(column.name)} = ${writer.convert(temp, column.rawType ?? column.type)}`,
    ...(column.nullable
      ? []
      : writer
          .render({ op: 'alter_column', table: table.name, column: column.name, nullable: false }, at(readded))
          .flatMap((step) => step.up)),
    ...(proof ? [proof.readdCheck] : []),
    ...carried.restore,
  ];
  return [
    {
      name: `add_${temp}_to_${table.name}`,
      label: 'expand',
      steps: [...writer.render(add, facts()), ...carried.expandSteps],
      transactional: writer.transactionalDdl,
      changes: [add, ...carried.expandChanges],
      applicationChange: `Deploy code that keeps writing ${table.name}.${column.name} and also writes ${temp} (the value as ${type}).`,
    },
    ...carried.indexDrafts,
    backfillDraft(
      writer,
      `backfill_${table.name}_${temp}`,
      table,
      temp,
      converted,
      `${q(temp)} IS NULL AND ${q(column.name)} IS NOT NULL`,
      [`UPDATE ${q(table.name)} SET ${q(temp)} = NULL`],
      options,
      `Keep writing both columns while this converts the existing ${column.name} values into ${temp}.`,
    ),
    ...carried.validateDrafts,
    ...(proof ? [proof.prepare] : []),
    {
      name: `change_type_of_${table.name}_${column.name}`,
      label: 'contract',
      steps: [
        {
          up,
          down,
          stage: 'main',
          locksExisting: true,
          destroys: `the ${column.rawType ?? column.type} values of ${table.name}.${column.name} (replaced by their ${type} conversion)`,
        },
      ],
      transactional: writer.transactionalDdl,
      changes: [...carried.drops, drop, rename, ...(column.nullable ? [] : [notNull])],
      applicationChange: `Deploy code that reads ${temp}'s values under the name ${column.name} as ${type} right after this migration (it drops the old ${column.name} and renames ${temp} to ${column.name}).`,
    },
  ];
}

/**
 * NOT NULL on a column that holds rows. PostgreSQL ≥ 12: CHECK (col IS NOT NULL) NOT VALID, then VALIDATE (no
 * write lock), then SET NOT NULL (which uses the validated check instead of scanning) and the check dropped.
 * Elsewhere the NULLs are filled (with the given default) before the column is altered.
 */
export function notNullPhases(
  writer: DdlWriter,
  facts: () => SchemaFacts,
  table: Table,
  column: Column,
  fill: string | undefined,
  options: PlanOptions,
): PendingDraft[] {
  const q = writer.quote;
  const name = table.name;
  const drafts: PendingDraft[] = [];
  const defaultChange: Change | undefined =
    fill !== undefined ? { op: 'alter_column', table: name, column: column.name, default: fill } : undefined;
  const backfill =
    fill !== undefined
      ? backfillDraft(
          writer,
          `backfill_${name}_${column.name}`,
          table,
          column.name,
          fill,
          `${q(column.name)} IS NULL`,
          [],
          options,
          `Keep writing a value into ${name}.${column.name}; this fills the existing NULLs with ${fill}.`,
        )
      : undefined;
  const firstApp = `Deploy code that always writes a value into ${name}.${column.name} before this migration runs.`;
  if (writer.engine !== 'postgresql') {
    if (defaultChange)
      drafts.push({
        name: `set_default_of_${name}_${column.name}`,
        label: 'expand',
        steps: writer.render(defaultChange, facts()),
        transactional: writer.transactionalDdl,
        changes: [defaultChange],
        applicationChange: firstApp,
      });
    if (backfill) drafts.push(backfill);
    const change: Change = { op: 'alter_column', table: name, column: column.name, nullable: false };
    const schema = defaultChange ? applyChange(facts().schema, defaultChange) : facts().schema;
    const steps = writer.render(change, { ...facts(), schema });
    // NULLs written since the backfill ran (by code deployed before the first phase) are filled too.
    if (fill !== undefined)
      steps.unshift({
        up: [`UPDATE ${q(name)} SET ${q(column.name)} = ${fill} WHERE ${q(column.name)} IS NULL`],
        down: [],
        stage: 'main',
        locksExisting: false,
      });
    drafts.push({
      name: `make_${name}_${column.name}_not_null`,
      label: 'contract',
      steps,
      transactional: writer.transactionalDdl,
      changes: [change],
      ...(drafts.length ? {} : { applicationChange: firstApp }),
    });
    return drafts;
  }
  const check = defaultConstraintName(name, [column.name], 'not_null');
  const addCheck = `ALTER TABLE ${q(name)} ADD CONSTRAINT ${q(check)} CHECK (${q(column.name)} IS NOT NULL) NOT VALID`;
  const dropCheck = `ALTER TABLE ${q(name)} DROP CONSTRAINT IF EXISTS ${q(check)}`;
  const defaultSteps = defaultChange ? writer.render(defaultChange, facts()) : [];
  drafts.push({
    name: `add_${name}_${column.name}_not_null_check`,
    label: 'expand',
    steps: [...defaultSteps, { up: [addCheck], down: [dropCheck], stage: 'main', locksExisting: true }],
    transactional: true,
    changes: [
      ...(defaultChange ? [defaultChange] : []),
      { op: 'add_check', table: name, expression: `${q(column.name)} IS NOT NULL`, name: check },
    ],
    applicationChange: firstApp,
  });
  if (backfill) drafts.push(backfill);
  const column_ = q(column.name);
  const validate: Step = {
    up: [
      ...(fill !== undefined
        ? [`UPDATE ${q(name)} SET ${q(column.name)} = ${fill} WHERE ${q(column.name)} IS NULL`]
        : []),
      `ALTER TABLE ${q(name)} VALIDATE CONSTRAINT ${q(check)}`,
      `ALTER TABLE ${q(name)} ALTER COLUMN ${column_} SET NOT NULL`,
      `ALTER TABLE ${q(name)} DROP CONSTRAINT ${q(check)}`,
    ],
    down: [`ALTER TABLE ${q(name)} ALTER COLUMN ${column_} DROP NOT NULL`, addCheck],
    stage: 'main',
    locksExisting: true,
  };
  drafts.push({
    name: `make_${name}_${column.name}_not_null`,
    label: 'validate',
    steps: [validate],
    transactional: true,
    changes: [
      { op: 'alter_column', table: name, column: column.name, nullable: false },
      { op: 'drop_constraint', table: name, name: check },
    ],
    applicationChange: `None beyond the first phase: every row now has a value, so SET NOT NULL uses the validated check instead of scanning the table.`,
  });
  return drafts;
}

/**
 * PostgreSQL: NOT NULL for a column that already holds rows, without SET NOT NULL scanning the table under ACCESS
 * EXCLUSIVE. A migration of its own adds CHECK (col IS NOT NULL) NOT VALID (a brief lock, no scan); the contract
 * then validates it (SHARE UPDATE EXCLUSIVE: reads and writes go on) and SET NOT NULL uses the proof.
 */
function notNullProof(writer: DdlWriter, table: string, column: string) {
  const q = writer.quote;
  const check = defaultConstraintName(table, [column], 'not_null');
  const addCheck = `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(check)} CHECK (${q(column)} IS NOT NULL) NOT VALID`;
  const prepare: PendingDraft = {
    name: `add_${table}_${column}_not_null_check`,
    label: 'validate',
    steps: [
      {
        up: [addCheck],
        down: [`ALTER TABLE ${q(table)} DROP CONSTRAINT IF EXISTS ${q(check)}`],
        stage: 'main',
        locksExisting: true,
      },
    ],
    transactional: true,
    changes: [{ op: 'add_check', table, expression: `${q(column)} IS NOT NULL`, name: check }],
    applicationChange: `None beyond the expand phase: code already writes ${table}.${column} on every insert.`,
  };
  return {
    prepare,
    validate: `ALTER TABLE ${q(table)} VALIDATE CONSTRAINT ${q(check)}`,
    dropCheck: `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(check)}`,
    readdCheck: addCheck,
  };
}
