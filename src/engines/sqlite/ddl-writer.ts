import { UserError } from '../../errors.js';
import type { Change, ColumnSpec, Reference } from '../../generate/changes.js';
import {
  type BackfillSpec,
  type DdlWriter,
  diffBothWays,
  indexed,
  restoreSql,
  type SchemaFacts,
  type Step,
  step,
} from '../../generate/ddl.js';
import { defaultConstraintName } from '../../generate/model-changes.js';
import { quoteIdentifier as q } from './identifiers.js';

/**
 * Change → SQLite DDL. What SQLite can ALTER in place is written directly; anything else (a column's type,
 * nullability or default, constraints on an existing table, dropping an indexed column) is the schema diff's table
 * rebuild, said by diffing the schema model before and after the change.
 */

const list = (names: string[]) => names.map(q).join(', ');

function columnSql(column: ColumnSpec, inlineKey: boolean): string {
  let text = `${q(column.name)} ${column.generated ? 'INTEGER' : column.type}`;
  if (inlineKey && column.primaryKey) text += column.generated ? ' PRIMARY KEY AUTOINCREMENT' : ' PRIMARY KEY';
  if (column.nullable === false && !column.primaryKey) text += ' NOT NULL';
  if (column.default !== undefined)
    text += ` DEFAULT ${/^\w+\(/.test(column.default) ? `(${column.default})` : column.default}`;
  if (column.references) text += ` ${referencesSql(column.references)}`;
  if (column.unique) text += ' UNIQUE';
  if (column.check) text += ` CHECK (${column.check})`;
  return text;
}

function referencesSql(reference: Reference): string {
  let text = `REFERENCES ${q(reference.table)} (${list(reference.columns ?? ['id'])})`;
  if (reference.onDelete) text += ` ON DELETE ${reference.onDelete.toUpperCase()}`;
  if (reference.onUpdate) text += ` ON UPDATE ${reference.onUpdate.toUpperCase()}`;
  return text;
}

function createIndex(
  table: string,
  columns: string[],
  name: string,
  options: { unique?: boolean; where?: string } = {},
): Step {
  return step(
    [
      `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${q(name)} ON ${q(table)} (${columns.map((column) => (/^\w+$/.test(column) ? q(column) : column)).join(', ')})${options.where ? ` WHERE ${options.where}` : ''}`,
    ],
    [`DROP INDEX IF EXISTS ${q(name)}`],
  );
}

function viaDiff(facts: SchemaFacts, change: Change, extra: Partial<Step> = {}): Step[] {
  const { up, down } = diffBothWays(facts.schema, change);
  return [step(up, down, { locksExisting: true, ...extra })];
}

function render(change: Change, facts: SchemaFacts): Step[] {
  switch (change.op) {
    case 'create_table': {
      const composite = change.primaryKey;
      const lines = change.columns.map((column) => columnSql(column, !composite));
      if (composite) lines.push(`PRIMARY KEY (${list(composite)})`);
      const keyed = new Set([
        ...(composite?.slice(0, 1) ?? []),
        ...change.columns.filter((c) => c.primaryKey || c.unique).map((c) => c.name),
      ]);
      return [
        step(
          [`CREATE TABLE IF NOT EXISTS ${q(change.table)} (\n  ${lines.join(',\n  ')}\n)`],
          [`DROP TABLE IF EXISTS ${q(change.table)}`],
        ),
        ...change.columns
          .filter((column) => column.references && !keyed.has(column.name))
          .map((column) =>
            createIndex(change.table, [column.name], defaultConstraintName(change.table, [column.name], 'idx')),
          ),
      ];
    }
    case 'drop_table':
      return [
        step([`DROP TABLE IF EXISTS ${q(change.table)}`], restoreSql(facts.schema, change), {
          locksExisting: true,
          destroys: `table ${change.table} and every row in it`,
        }),
      ];
    case 'rename_table':
      return [
        step(
          [`ALTER TABLE ${q(change.from)} RENAME TO ${q(change.to)}`],
          [`ALTER TABLE ${q(change.to)} RENAME TO ${q(change.from)}`],
        ),
      ];
    case 'add_column': {
      const { column } = change;
      // SQLite adds a column in place unless it needs a constraint or a non-constant default: then it rebuilds.
      if (
        column.unique ||
        column.primaryKey ||
        (column.nullable === false && column.default === undefined) ||
        /\(/.test(column.default ?? '')
      )
        return viaDiff(facts, change);
      const steps = [
        step(
          [`ALTER TABLE ${q(change.table)} ADD COLUMN ${columnSql(column, false)}`],
          [`ALTER TABLE ${q(change.table)} DROP COLUMN ${q(column.name)}`],
        ),
      ];
      if (column.references)
        steps.push(createIndex(change.table, [column.name], defaultConstraintName(change.table, [column.name], 'idx')));
      return steps;
    }
    case 'drop_column':
      return viaDiff(facts, change, { destroys: `every value of ${change.table}.${change.column}` });
    case 'rename_column':
      return [
        step(
          [`ALTER TABLE ${q(change.table)} RENAME COLUMN ${q(change.from)} TO ${q(change.to)}`],
          [`ALTER TABLE ${q(change.table)} RENAME COLUMN ${q(change.to)} TO ${q(change.from)}`],
        ),
      ];
    case 'add_index':
      if (change.using)
        throw new UserError(
          'change-not-supported',
          `SQLite has no index methods (using ${change.using}).`,
          'Drop `using` for SQLite.',
        );
      return [
        createIndex(
          change.table,
          change.columns,
          change.name ?? defaultConstraintName(change.table, change.columns, 'idx'),
          {
            ...(change.unique ? { unique: true } : {}),
            ...(change.where ? { where: change.where } : {}),
          },
        ),
      ];
    case 'drop_index':
      return [step([`DROP INDEX IF EXISTS ${q(change.name)}`], restoreSql(facts.schema, change))];
    case 'add_foreign_key': {
      const steps = viaDiff(facts, change);
      if (!indexed(facts, change.table, change.columns))
        steps.push(
          createIndex(change.table, change.columns, defaultConstraintName(change.table, change.columns, 'idx')),
        );
      return steps;
    }
    case 'alter_column':
    case 'add_unique':
    case 'add_check':
    case 'drop_constraint':
      return viaDiff(facts, change);
    case 'create_enum':
    case 'add_enum_value':
    case 'drop_enum':
      throw new UserError(
        'change-not-supported',
        `SQLite has no enum types (${change.op}).`,
        'Use a CHECK (column IN (…)) constraint with add_check instead.',
      );
    case 'raw_sql':
      return [step([change.up.replace(/;\s*$/, '')], [change.down.replace(/;\s*$/, '')], { locksExisting: true })];
  }
}

function backfill(spec: BackfillSpec): { up: string[]; transactional: boolean } {
  // One writer at a time and no concurrent DDL to avoid: a single UPDATE is the whole backfill.
  return {
    up: [`UPDATE ${q(spec.table)} SET ${q(spec.column)} = ${spec.expression} WHERE ${spec.pending}`],
    transactional: true,
  };
}

/** A rebuild copies the table under a temporary name: the schema diff's `<table>__new`. */
function ownTransaction(statements: string[], force: boolean): string[] | undefined {
  if (!force && !statements.some((statement) => /^\s*CREATE TABLE "(?:[^"]|"")+__new"/i.test(statement)))
    return undefined;
  return ['PRAGMA foreign_keys = OFF', 'BEGIN', ...statements, 'COMMIT', 'PRAGMA foreign_keys = ON'];
}

export const sqliteDdlWriter: DdlWriter = {
  ownTransaction,
  engine: 'sqlite',
  transactionalDdl: true,
  quote: q,
  lockTimeout: () => ({ before: [], after: [] }),
  render,
  backfill,
  convert: (column, type, using) => using ?? `CAST(${q(column)} AS ${type})`,
};
