import { dependencyOrder } from '../schema/diff/operation.js';
import type { Column, Schema, Table } from '../schema/model.js';
import type { Change } from './changes.js';
import { type DdlWriter, finishStatements, type SchemaFacts, type ServerVersion, type Step } from './ddl.js';
import { applyChange, findTable } from './model-changes.js';
import { changeName, draftName } from './names.js';
import { notNullPhases, type PendingDraft, rawChange, renamePhases, typePhases } from './phases.js';
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

function finishDraft(
  pending: PendingDraft,
  writer: DdlWriter,
  lockTimeoutMs: number,
  index: number,
  of: number,
): MigrationDraft {
  const locks = pending.steps.some((step) => step.locksExisting);
  const { up, down, transactional } = finishStatements(
    writer,
    { up: pending.steps.flatMap((step) => step.up), down: [...pending.steps].reverse().flatMap((step) => step.down) },
    pending.transactional,
    !pending.bare && locks ? lockTimeoutMs : undefined,
  );
  return {
    name: pending.name,
    engine: writer.engine,
    up,
    down,
    transactional,
    changes: pending.changes,
    ...(of > 1 ? { phase: { index: index + 1, of, label: pending.label } } : {}),
    ...(pending.applicationChange ? { applicationChange: pending.applicationChange } : {}),
  };
}
