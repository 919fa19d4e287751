import { UserError } from '../../errors.js';
import type { Schema } from '../model.js';
import { planMysql } from './mysql.js';
import { ordered, type PlannedOperation } from './operation.js';
import { planPostgres } from './postgres.js';
import { applyRenames, findRenameQuestions, validateRenames } from './renames.js';
import { planSqlite } from './sqlite.js';
import type { RenameAnswer, SchemaDiff } from './types.js';

export interface DiffOptions {
  /** Answers to rename questions: `{ table, from, to }` renames a column, `{ from, to }` a table. */
  renames?: RenameAnswer[];
}

/**
 * The operations that turn `before` into `after`, in an order the engine accepts, each with its category, reason,
 * hazards and SQL. Likely renames come back as questions; answered ones become RENAME. diff(S, S) is empty.
 */
export function diffSchemas(before: Schema, after: Schema, options: DiffOptions = {}): SchemaDiff {
  if (before.engine !== after.engine && !(isMysql(before.engine) && isMysql(after.engine)))
    throw new UserError(
      'diff-engines-differ',
      `Cannot diff a ${before.engine} schema against a ${after.engine} schema.`,
      'Compare two schemas of the same engine (pass engine explicitly when a source cannot tell).',
    );
  const renames = options.renames ?? [];
  validateRenames(before, after, renames);
  const questions = findRenameQuestions(before, after, renames);
  const renamed = applyRenames(before, renames);
  let planned: PlannedOperation[];
  const notes: string[] = [];
  if (before.engine === 'postgresql' || before.engine === 'cockroachdb')
    planned = planPostgres(renamed, after, renames);
  else if (before.engine === 'sqlite') {
    planned = planSqlite(renamed, after, renames);
    if (planned.some((op) => op.kind === 'rebuild-table'))
      notes.push(
        'SQLite table rebuilds: run them with PRAGMA foreign_keys = OFF (outside the transaction) and check PRAGMA foreign_key_check afterwards.',
      );
  } else if (isMysql(before.engine)) {
    planned = planMysql(renamed, after, renames);
    if (planned.length > 0)
      notes.push(
        'MySQL/MariaDB commit every DDL statement on its own: a failure midway leaves the earlier steps applied.',
      );
  } else
    throw new UserError(
      'diff-engine-unsupported',
      `Schema diff SQL is written for PostgreSQL, MySQL/MariaDB and SQLite; ${before.engine} is not supported.`,
      'Compare a PostgreSQL, MySQL/MariaDB or SQLite schema.',
    );
  const operations = ordered(planned);
  for (const question of questions) {
    const object = question.kind === 'column' ? `${question.table}.${question.from}` : question.from;
    const drop = operations.find(
      (op) => op.object === object && (op.kind === 'drop-column' || op.kind === 'drop-table'),
    );
    if (drop?.dataLoss)
      drop.dataLoss += `; if ${question.from} was renamed to ${question.to}, answer renames: [${JSON.stringify(question.answer)}] to keep the data`;
  }
  const summary = { safe: 0, careful: 0, dangerous: 0 };
  for (const op of operations) summary[op.safety]++;
  return { operations, questions, summary, notes };
}

function isMysql(engine: string): boolean {
  return engine === 'mysql' || engine === 'mariadb';
}

/** The whole plan as one SQL script. */
export function diffSql(diff: SchemaDiff): string {
  return diff.operations.flatMap((op) => op.sql.map((statement) => `${statement};`)).join('\n');
}
