import { dependencyOrder } from '../schema/diff/operation.js';
import type { Column, Schema, Table } from '../schema/model.js';
import type { Change } from './changes.js';
import type { DdlWriter, SchemaFacts, ServerVersion, Step } from './ddl.js';
import { applyChange, defaultConstraintName, findTable } from './model-changes.js';
import { changeName, draftName } from './names.js';
import type { MigrationDraft } from './types.js';

/**
 * The planner: an explicit change list → migrations. Steps that are safe for running code go into one migration
 * (plus the concurrent index builds and validations that must be migrations of their own); steps that are not —
 * renaming a column, changing its type, NOT NULL on a column that holds rows, dropping — become expand / backfill /
 * contract sequences, each saying what the application must do first. Nothing that destroys data is planned
 * without confirmation: it is listed as withheld instead.
 */

export type Strategy = 'phased' | 'direct';

export interface PlanOptions {
  strategy?: Strategy;
  confirmDestructive?: boolean;
  /** The name of the migration that carries the change (default: derived from the changes). */
  name?: string;
  version?: ServerVersion;
  /** Lock timeout put before lock-taking DDL (default 5 s). */
  lockTimeoutMs?: number;
  /** Rows per backfill batch (default 1000) and the pause between batches (default 0.1 s). */
  batchSize?: number;
  pauseSeconds?: number;
}

export interface WithheldChange {
  /** The migration that would have done it. */
  migration: string;
  /** What it would destroy. */
  drops: string;
}

export interface Plan {
  drafts: MigrationDraft[];
  withheld: WithheldChange[];
  notes: string[];
}

type Label = NonNullable<MigrationDraft['phase']>['label'];

interface PendingDraft {
  name: string;
  label: Label;
  steps: Step[];
  transactional: boolean;
  changes: Change[];
  applicationChange?: string;
  /** Statements written as they are, without a lock-timeout preamble (a single-statement non-transactional migration). */
  bare?: boolean;
}

/** create_enum first, new tables before the tables whose foreign keys reference them, the rest in given order. */
export function orderChanges(changes: Change[]): Change[] {
  const enums = changes.filter((change) => change.op === 'create_enum');
  const creates = changes.filter((change) => change.op === 'create_table');
  const ordered = dependencyOrder(
    creates,
    (change) => change.table,
    (change) => change.columns.flatMap((column) => (column.references ? [column.references.table] : [])),
  );
  return [
    ...enums,
    ...ordered,
    ...changes.filter((change) => change.op !== 'create_enum' && change.op !== 'create_table'),
  ];
}

export function planChanges(input: Change[], initial: Schema, writer: DdlWriter, options: PlanOptions = {}): Plan {
  const strategy = options.strategy ?? 'phased';
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  const transactional = writer.transactionalDdl;
  const existingNames = new Set(initial.tables.filter((table) => !table.namespace).map((table) => table.name));
  let schema = initial;
  const facts = (): SchemaFacts => ({
    schema,
    existing: (name) => (existingNames.has(name) ? findTable(schema, name) : undefined),
    ...(options.version ? { version: options.version } : {}),
  });
  const plan: Plan = { drafts: [], withheld: [], notes: [] };
  const sequence: PendingDraft[] = [];
  let main: Step[] = [];
  let mainChanges: Change[] = [];
  let concurrent: PendingDraft[] = [];
  let validate: Step[] = [];
  let validateChanges: Change[] = [];
  const flush = () => {
    if (main.length)
      sequence.push({
        name: draftName(mainChanges, options.name),
        label: 'change',
        steps: main,
        transactional,
        changes: mainChanges,
      });
    sequence.push(...concurrent);
    if (validate.length)
      sequence.push({
        name: `validate_${draftName(validateChanges)}`,
        label: 'validate',
        steps: validate,
        transactional,
        changes: validate.map((step) => rawChange(step, transactional)),
      });
    main = [];
    mainChanges = [];
    concurrent = [];
    validate = [];
    validateChanges = [];
  };
  const withhold = (migration: string, drops: string) => plan.withheld.push({ migration, drops });
  const confirmed = options.confirmDestructive === true;

  const direct = (change: Change) => {
    const steps = writer.render(change, facts());
    const destroying = steps.filter((step) => step.destroys);
    if (destroying.length && !confirmed) {
      for (const step of destroying) withhold(changeName(change), step.destroys ?? '');
      return;
    }
    let used = false;
    for (const step of steps) {
      if (step.stage === 'main') {
        main.push(step);
        used = true;
      } else if (step.stage === 'validate') {
        validate.push(step);
        if (!validateChanges.includes(change)) validateChanges.push(change);
      } else
        concurrent.push({
          name: concurrentName(change, step),
          label: 'index',
          steps: [step],
          transactional: false,
          changes: [rawChange(step, false)],
          bare: true,
        });
    }
    if (used) mainChanges.push(change);
    schema = applyChange(schema, change);
    trackNames(existingNames, change);
  };

  const phased = (drafts: PendingDraft[], after: Change[]) => {
    flush();
    for (const draft of drafts) {
      const destroys = draft.steps.filter((step) => step.destroys);
      if (destroys.length && !confirmed) {
        for (const step of destroys) withhold(draft.name, step.destroys ?? '');
        // A withheld contract keeps the expanded state: later changes see the schema as the earlier phases leave it.
        break;
      }
      sequence.push(draft);
      for (const change of draft.changes.filter((item) => item.op !== 'raw_sql')) schema = applyChange(schema, change);
    }
    for (const change of after) trackNames(existingNames, change);
  };

  for (const change of orderChanges(input)) {
    const table = 'table' in change && change.op !== 'create_table' ? change.table : undefined;
    const current = table && existingNames.has(table) ? findTable(schema, table) : undefined;
    if (strategy === 'direct' || !current || change.op === 'raw_sql') {
      direct(change);
      continue;
    }
    if (change.op === 'rename_column') {
      const column = current.columns.find((item) => item.name === change.from);
      if (!column) {
        direct(change);
        continue;
      }
      phased(renamePhases(writer, facts, current, column, change.to, options), []);
      plan.notes.push(
        `${change.table}.${change.from} → ${change.to}: indexes and constraints on ${change.from} are not copied to ${change.to}; add them with add_index / add_unique / add_foreign_key if they are needed.`,
      );
      continue;
    }
    if (change.op === 'alter_column') {
      const column = current.columns.find((item) => item.name === change.column);
      if (!column) {
        direct(change);
        continue;
      }
      if (change.type !== undefined) {
        phased(typePhases(writer, facts, current, column, change.type, change.using, options), []);
        if (change.nullable !== undefined || change.default !== undefined) {
          const { type: _type, using: _using, ...rest } = change;
          const again = findTable(schema, change.table);
          const next = again?.columns.find((item) => item.name === change.column);
          if (again && next) alterRest(rest, again, next);
        }
        continue;
      }
      alterRest(change, current, column);
      continue;
    }
    if (change.op === 'drop_column' || change.op === 'drop_table') {
      const steps = writer.render(change, facts());
      const what = change.op === 'drop_column' ? `${change.table}.${change.column}` : `table ${change.table}`;
      phased(
        [
          {
            name: changeName(change),
            label: 'contract',
            steps,
            transactional,
            changes: [change],
            applicationChange: `Deploy code that no longer reads or writes ${what} before this migration runs.`,
          },
        ],
        [change],
      );
      continue;
    }
    direct(change);
  }
  flush();

  function alterRest(change: Extract<Change, { op: 'alter_column' }>, current: Table, column: Column) {
    if (change.nullable === false && column.nullable) {
      phased(notNullPhases(writer, facts, current, column, change.default ?? undefined, options), []);
      return;
    }
    if (change.nullable !== undefined || change.default !== undefined) direct(change);
  }

  plan.drafts = sequence.map((pending, index) => finishDraft(pending, writer, lockTimeoutMs, index, sequence.length));
  return plan;
}

function trackNames(names: Set<string>, change: Change): void {
  if (change.op === 'drop_table') names.delete(change.table);
  if (change.op === 'rename_table' && names.has(change.from)) {
    names.delete(change.from);
    names.add(change.to);
  }
}

function concurrentName(change: Change, step: Step): string {
  const index = /INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"?([\w$]+)"?/i.exec(step.up[0] ?? '')?.[1];
  if (change.op === 'raw_sql') return 'schema_change_outside_transaction';
  if (/^\s*DROP INDEX/i.test(step.up[0] ?? '') && index) return `drop_${index}`;
  if (/^\s*ALTER TYPE/i.test(step.up[0] ?? '')) return changeName(change);
  return index ? `add_${index}` : changeName(change);
}

function rawChange(step: Step, transactional: boolean): Change {
  return { op: 'raw_sql', up: step.up.join(';\n'), down: step.down.join(';\n') || '-- nothing to undo', transactional };
}

function finishDraft(
  pending: PendingDraft,
  writer: DdlWriter,
  lockTimeoutMs: number,
  index: number,
  of: number,
): MigrationDraft {
  const locks = pending.steps.some((step) => step.locksExisting);
  const preamble = !pending.bare && locks ? writer.lockTimeout(lockTimeoutMs) : [];
  let up = pending.steps.flatMap((step) => step.up);
  let down = [...pending.steps].reverse().flatMap((step) => step.down);
  let transactional = pending.transactional && writer.transactionalDdl;
  const own = writer.ownTransaction;
  if (own && transactional && (own(up, false) || own(down, false))) {
    up = own(up, true) ?? up;
    down = down.length ? (own(down, true) ?? down) : down;
    transactional = false;
  }
  return {
    name: pending.name,
    engine: writer.engine,
    up: up.length ? [...preamble, ...up] : up,
    down: down.length ? [...preamble, ...down] : down,
    transactional,
    changes: pending.changes,
    ...(of > 1 ? { phase: { index: index + 1, of, label: pending.label } } : {}),
    ...(pending.applicationChange ? { applicationChange: pending.applicationChange } : {}),
  };
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

/** rename: add the new column, copy the values in batches, drop the old one once the code uses the new name. */
function renamePhases(
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
  const expanded = applyChange(facts().schema, add);
  const drop: Change = { op: 'drop_column', table: table.name, column: column.name };
  const at = (schema: Schema): SchemaFacts => ({ ...facts(), schema });
  const contractSteps: Step[] = [];
  const reAdd: Change = { op: 'add_column', table: table.name, column: columnSpec(column) };
  const notNullNew: Change = { op: 'alter_column', table: table.name, column: to, nullable: false };
  const notNullOld: Change = { op: 'alter_column', table: table.name, column: column.name, nullable: false };
  const afterDrop = applyChange(expanded, drop);
  const dropSteps = writer.render(drop, at(expanded));
  const readded = applyChange(afterDrop, reAdd);
  contractSteps.push({
    up: [
      // Rows written by code that did not write both columns yet, since the backfill ran.
      `UPDATE ${q(table.name)} SET ${q(to)} = ${q(column.name)} WHERE ${q(to)} IS NULL AND ${q(column.name)} IS NOT NULL`,
      ...(column.nullable ? [] : writer.render(notNullNew, at(expanded)).flatMap((step) => step.up)),
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
    ],
    stage: 'main',
    locksExisting: true,
    destroys: `the old column ${table.name}.${column.name} (its values were copied to ${to})`,
  });
  return [
    {
      name: `add_${to}_to_${table.name}`,
      label: 'expand',
      steps: expandSteps,
      transactional: writer.transactionalDdl,
      changes: [add],
      applicationChange: `Deploy code that writes the same value to both ${table.name}.${column.name} and ${table.name}.${to}, and still reads ${column.name}.`,
    },
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
    {
      name: `drop_${column.name}_from_${table.name}`,
      label: 'contract',
      steps: contractSteps,
      transactional: writer.transactionalDdl,
      changes: [...(column.nullable ? [] : [notNullNew]), drop],
      applicationChange: `Deploy code that reads and writes only ${table.name}.${to} before this migration runs.`,
    },
  ];
}

/** type change: a new column of the new type, converted values copied in batches, then swapped in by name. */
function typePhases(
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
  const expanded = applyChange(facts().schema, add);
  const drop: Change = { op: 'drop_column', table: table.name, column: column.name };
  const rename: Change = { op: 'rename_column', table: table.name, from: temp, to: column.name };
  const dropped = applyChange(expanded, drop);
  const renamed = applyChange(dropped, rename);
  const notNull: Change = { op: 'alter_column', table: table.name, column: column.name, nullable: false };
  const converted = writer.convert(column.name, type, using);
  const up = [
    // Rows written by code that did not write both columns yet, since the backfill ran.
    `UPDATE ${q(table.name)} SET ${q(temp)} = ${converted} WHERE ${q(temp)} IS NULL AND ${q(column.name)} IS NOT NULL`,
    ...writer.render(drop, at(expanded)).flatMap((step) => step.up),
    ...writer.render(rename, at(dropped)).flatMap((step) => step.up),
    ...(column.nullable ? [] : writer.render(notNull, at(renamed)).flatMap((step) => step.up)),
  ];
  // The down rebuilds the expanded state: the new values back under the temporary name, the old column re-made.
  const reAdd: Change = { op: 'add_column', table: table.name, column: columnSpec(column) };
  const backRename: Change = { op: 'rename_column', table: table.name, from: column.name, to: temp };
  const relaxed = column.nullable ? renamed : applyChange(renamed, { ...notNull, nullable: true });
  const backRenamed = applyChange(relaxed, backRename);
  const readded = applyChange(backRenamed, reAdd);
  const down = [
    ...(column.nullable
      ? []
      : writer.render({ ...notNull, nullable: true }, at(applyChange(renamed, notNull))).flatMap((step) => step.up)),
    ...writer.render(backRename, at(relaxed)).flatMap((step) => step.up),
    ...writer.render(reAdd, at(backRenamed)).flatMap((step) => step.up),
    `UPDATE ${q(table.name)} SET ${q(column.name)} = ${writer.convert(temp, column.rawType ?? column.type)}`,
    ...(column.nullable
      ? []
      : writer
          .render({ op: 'alter_column', table: table.name, column: column.name, nullable: false }, at(readded))
          .flatMap((step) => step.up)),
  ];
  return [
    {
      name: `add_${temp}_to_${table.name}`,
      label: 'expand',
      steps: writer.render(add, facts()),
      transactional: writer.transactionalDdl,
      changes: [add],
      applicationChange: `Deploy code that keeps writing ${table.name}.${column.name} and also writes ${temp} (the value as ${type}).`,
    },
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
      changes: [drop, rename, ...(column.nullable ? [] : [notNull])],
      applicationChange: `Deploy code that reads ${temp}'s values under the name ${column.name} as ${type} right after this migration (it drops the old ${column.name} and renames ${temp} to ${column.name}).`,
    },
  ];
}

/**
 * NOT NULL on a column that holds rows. PostgreSQL ≥ 12: CHECK (col IS NOT NULL) NOT VALID, then VALIDATE (no
 * write lock), then SET NOT NULL (which uses the validated check instead of scanning) and the check dropped.
 * Elsewhere the NULLs are filled (with the given default) before the column is altered.
 */
function notNullPhases(
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
