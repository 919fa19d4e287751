import { diffSchemas } from '../schema/diff/diff.js';
import type { Schema, Table } from '../schema/model.js';
import type { Change } from './changes.js';
import { applyChange, findTable } from './model-changes.js';

/**
 * What a per-engine DDL writer (src/engines/<engine>/ddl-writer.ts) turns one change into: steps, each with its
 * up and down statements and the migration it belongs in. The planner groups the steps into migrations; the
 * writers only know their engine's syntax and facts (what locks, what runs outside a transaction).
 */

export type DdlEngine = 'postgresql' | 'mysql' | 'sqlite';

/** The server the migration targets, when known (detect_setup, or the shadow the current schema was read on). */
export interface ServerVersion {
  flavor: 'postgresql' | 'mysql' | 'mariadb' | 'sqlite';
  major: number;
  minor: number;
  patch: number;
}

/**
 * - `main`: the migration that carries the change (transactional where the engine allows)
 * - `concurrent`: a migration of its own that must run outside a transaction (CREATE INDEX CONCURRENTLY)
 * - `validate`: after the concurrent ones (VALIDATE CONSTRAINT, ADD CONSTRAINT … USING INDEX)
 */
export type Stage = 'main' | 'concurrent' | 'validate';

export interface Step {
  up: string[];
  down: string[];
  stage: Stage;
  /** Takes a lock on a table that existed before this change list: the migration gets a lock timeout first. */
  locksExisting: boolean;
  /** What the step destroys, when it destroys data (it is then withheld without confirmation). */
  destroys?: string;
}

/** A step that runs in the migration's main stage and takes no lock on a table that holds rows. */
export function step(up: string[], down: string[], extra: Partial<Step> = {}): Step {
  return { up, down, stage: 'main', locksExisting: false, ...extra };
}

/** The schema as it is before the change being written (replayed migrations plus the earlier changes). */
export interface SchemaFacts {
  schema: Schema;
  /** Tables of the project's current schema (before the whole change list): the ones that may hold rows. */
  existing(table: string): Table | undefined;
  version?: ServerVersion;
}

/** A batched backfill: `column = expression` for the rows `pending` selects, in batches, resumable by key. */
export interface BackfillSpec {
  table: string;
  column: string;
  /** SQL expression computing the new value (may name other columns of the row). */
  expression: string;
  /** SQL predicate of the rows still to fill: re-running after an interruption resumes where it stopped. */
  pending: string;
  /** Primary key columns (batches are chosen by key); undefined when the table has none. */
  key?: string[];
  batchSize: number;
  pauseSeconds: number;
}

export interface DdlWriter {
  engine: DdlEngine;
  /** Whether a migration of this engine can be transactional at all (MySQL commits every DDL statement). */
  transactionalDdl: boolean;
  quote(name: string): string;
  /**
   * Statements that bound how long lock-taking DDL waits (PostgreSQL lock_timeout, MySQL lock_wait_timeout), put
   * before the migration's statements, and the ones put after them that give the session its own value back. In a
   * transaction the setting is the transaction's own (SET LOCAL) and ends with it: nothing to put after. Outside
   * one it is the session's, which the runner may reuse for the next migration, so it is reset at the end.
   */
  lockTimeout(ms: number, transactional: boolean): { before: string[]; after: string[] };
  render(change: Change, facts: SchemaFacts): Step[];
  /** The statements of a backfill; `transactional` false when it commits batch by batch. */
  backfill(spec: BackfillSpec): { up: string[]; transactional: boolean };
  /**
   * Statements that must manage their own transaction (SQLite table rebuilds: foreign keys are switched off
   * outside the transaction, or dropping the old table would fail or cascade): the wrapped statements, or
   * undefined when the statements can run in the runner's transaction.
   */
  ownTransaction?(statements: string[], force: boolean): string[] | undefined;
  /** The type expression converting `column` to `type` (CAST, ::, or the caller's USING). */
  convert(column: string, type: string, using?: string): string;
}

/**
 * A migration's statements as they are written: in a transaction only where the engine has transactional DDL and
 * the statements need none of their own (SQLite rebuilds), bounded by the lock timeout when `lockTimeoutMs` is given.
 */
export function finishStatements(
  writer: DdlWriter,
  statements: { up: string[]; down: string[] },
  transactional: boolean,
  lockTimeoutMs: number | undefined,
): { up: string[]; down: string[]; transactional: boolean } {
  let { up, down } = statements;
  let inTransaction = transactional && writer.transactionalDdl;
  const own = writer.ownTransaction;
  if (own && inTransaction && (own(up, false) || own(down, false))) {
    up = own(up, true) ?? up;
    down = down.length ? (own(down, true) ?? down) : down;
    inTransaction = false;
  }
  const timeout = lockTimeoutMs !== undefined ? writer.lockTimeout(lockTimeoutMs, inTransaction) : undefined;
  const bounded = (list: string[]) => (list.length && timeout ? [...timeout.before, ...list, ...timeout.after] : list);
  return { up: bounded(up), down: bounded(down), transactional: inTransaction };
}

/** The statements that give back what `change` removes: the diff from the model after it to the model before. */
export function restoreSql(schema: Schema, change: Change): string[] {
  return diffSchemas(applyChange(schema, change), schema).operations.flatMap((operation) => operation.sql);
}

/** The statements of a change said as a model diff, both ways (SQLite rebuilds, MySQL edits of existing keys). */
export function diffBothWays(schema: Schema, change: Change): { up: string[]; down: string[] } {
  const after = applyChange(schema, change);
  return {
    up: diffSchemas(schema, after).operations.flatMap((operation) => operation.sql),
    down: diffSchemas(after, schema).operations.flatMap((operation) => operation.sql),
  };
}

export function tableIn(facts: SchemaFacts, name: string): Table | undefined {
  return findTable(facts.schema, name);
}

/** Whether the primary key, a unique constraint or a full (not partial) index already leads with these columns. */
export function indexed(facts: SchemaFacts, table: string, columns: string[]): boolean {
  const model = tableIn(facts, table);
  if (!model) return false;
  const leads = (keys: string[]) => columns.every((column, index) => keys[index] === column);
  return (
    leads(model.primaryKey?.columns ?? []) ||
    model.indexes.some((index) => !index.where && leads(index.columns)) ||
    model.uniques.some((unique) => leads(unique.columns))
  );
}

export function atLeast(version: ServerVersion | undefined, major: number, minor = 0, patch = 0): boolean {
  if (!version) return false;
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}
