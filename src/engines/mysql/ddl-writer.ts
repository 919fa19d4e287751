import { UserError } from '../../errors.js';
import type { Change, ColumnSpec, Reference } from '../../generate/changes.js';
import {
  atLeast,
  type BackfillSpec,
  type DdlWriter,
  diffBothWays,
  indexed,
  restoreSql,
  type SchemaFacts,
  type ServerVersion,
  type Step,
  step,
  tableIn,
} from '../../generate/ddl.js';
import { checkName, defaultConstraintName } from '../../generate/model-changes.js';
import type { Column } from '../../schema/model.js';
import { quoteIdentifier as q } from './identifiers.js';

/**
 * Change → MySQL/MariaDB DDL. Every DDL statement commits on its own, so nothing here is transactional; online
 * algorithms are named only where the target server is known to have them (ALGORITHM=INSTANT to add a column on
 * MariaDB ≥ 10.3 and MySQL ≥ 8.0.12, ALGORITHM=INPLACE, LOCK=NONE to build an index), so an unsupported request
 * fails at once instead of silently copying the table. IF [NOT] EXISTS on columns and indexes is MariaDB's only.
 */

const list = (names: string[]) => names.map(q).join(', ');

const isMaria = (version?: ServerVersion) => version?.flavor === 'mariadb';

function instantAdd(version?: ServerVersion): boolean {
  return isMaria(version) ? atLeast(version, 10, 3) : version?.flavor === 'mysql' && atLeast(version, 8, 0, 12);
}

/** Online index builds (ALGORITHM=INPLACE, LOCK=NONE): MySQL 5.6, MariaDB 10.0. Unknown server: not asked for. */
function onlineIndex(version?: ServerVersion): boolean {
  return isMaria(version) ? atLeast(version, 10, 0) : version?.flavor === 'mysql' && atLeast(version, 5, 6);
}

function columnSql(column: ColumnSpec | Column, inlineKey: boolean): string {
  const spec = column as ColumnSpec;
  let text = `${q(column.name)} ${column.type}`;
  const nullable = spec.primaryKey ? false : (column.nullable ?? true);
  if (!nullable) text += ' NOT NULL';
  if (column.default !== undefined) text += ` DEFAULT ${column.default}`;
  if (spec.generated || (column as Column).autoIncrement) text += ' AUTO_INCREMENT';
  if (inlineKey && spec.primaryKey) text += ' PRIMARY KEY';
  return text;
}

function referencesSql(reference: Reference): string {
  let text = `REFERENCES ${q(reference.table)} (${list(reference.columns ?? ['id'])})`;
  if (reference.onDelete) text += ` ON DELETE ${reference.onDelete.toUpperCase()}`;
  if (reference.onUpdate) text += ` ON UPDATE ${reference.onUpdate.toUpperCase()}`;
  return text;
}

function addIndex(facts: SchemaFacts, table: string, columns: string[], name: string, unique = false): Step {
  const online = facts.existing(table) && onlineIndex(facts.version) ? ', ALGORITHM=INPLACE, LOCK=NONE' : '';
  const maria = isMaria(facts.version);
  return step(
    [
      `ALTER TABLE ${q(table)} ADD ${unique ? 'UNIQUE ' : ''}INDEX ${maria ? 'IF NOT EXISTS ' : ''}${q(name)} (${columns.map((column) => (/^\w+$/.test(column) ? q(column) : column)).join(', ')})${online}`,
    ],
    [`ALTER TABLE ${q(table)} DROP INDEX ${maria ? 'IF EXISTS ' : ''}${q(name)}`],
    { locksExisting: facts.existing(table) !== undefined },
  );
}

function addForeignKey(
  facts: SchemaFacts,
  table: string,
  columns: string[],
  reference: Reference,
  name?: string,
): Step[] {
  const constraint = name ?? defaultConstraintName(table, columns, 'fkey');
  const steps: Step[] = [];
  if (!indexed(facts, table, columns))
    steps.push(addIndex(facts, table, columns, defaultConstraintName(table, columns, 'idx')));
  steps.push(
    step(
      [
        `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(constraint)} FOREIGN KEY (${list(columns)}) ${referencesSql(reference)}`,
      ],
      [`ALTER TABLE ${q(table)} DROP FOREIGN KEY ${q(constraint)}`],
      { locksExisting: true },
    ),
  );
  return steps;
}

function createTable(change: Extract<Change, { op: 'create_table' }>, facts: SchemaFacts): Step[] {
  const composite = change.primaryKey;
  const lines = change.columns.map((column) => columnSql(column, !composite));
  if (composite) lines.push(`PRIMARY KEY (${list(composite)})`);
  const keyed = new Set([
    ...(composite?.slice(0, 1) ?? []),
    ...change.columns.filter((c) => c.primaryKey || c.unique).map((c) => c.name),
  ]);
  for (const column of change.columns) {
    if (column.unique)
      lines.push(
        `CONSTRAINT ${q(defaultConstraintName(change.table, [column.name], 'key'))} UNIQUE (${q(column.name)})`,
      );
    if (column.references && !keyed.has(column.name))
      lines.push(`INDEX ${q(defaultConstraintName(change.table, [column.name], 'idx'))} (${q(column.name)})`);
    if (column.references)
      lines.push(
        `CONSTRAINT ${q(defaultConstraintName(change.table, [column.name], 'fkey'))} FOREIGN KEY (${q(column.name)}) ${referencesSql(column.references)}`,
      );
    if (column.check)
      lines.push(
        `CONSTRAINT ${q(defaultConstraintName(change.table, [column.name], 'check'))} CHECK (${column.check})`,
      );
  }
  return [
    step(
      [`CREATE TABLE IF NOT EXISTS ${q(change.table)} (\n  ${lines.join(',\n  ')}\n)`],
      [`DROP TABLE IF EXISTS ${q(change.table)}`],
      {
        locksExisting: change.columns.some((column) => column.references && facts.existing(column.references.table)),
      },
    ),
  ];
}

function alterColumn(change: Extract<Change, { op: 'alter_column' }>, facts: SchemaFacts): Step[] {
  const was = tableIn(facts, change.table)?.columns.find((item) => item.name === change.column);
  const locksExisting = facts.existing(change.table) !== undefined;
  if (change.type === undefined && change.nullable === undefined && change.default !== undefined) {
    const at = `ALTER TABLE ${q(change.table)} ALTER COLUMN ${q(change.column)}`;
    return [
      step(
        [`${at} ${change.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${change.default}`}`],
        [`${at} ${was?.default !== undefined ? `SET DEFAULT ${was.default}` : 'DROP DEFAULT'}`],
        { locksExisting },
      ),
    ];
  }
  if (!was) {
    const { up, down } = diffBothWays(facts.schema, change);
    return [step(up, down, { locksExisting })];
  }
  // MODIFY restates the whole column: the current definition with the requested parts changed.
  const next: Column = {
    ...was,
    ...(change.type !== undefined ? { type: change.type } : {}),
    ...(change.nullable !== undefined ? { nullable: change.nullable } : {}),
  };
  if (change.default === null) delete next.default;
  else if (change.default !== undefined) next.default = change.default;
  const modify = (column: Column) =>
    `ALTER TABLE ${q(change.table)} MODIFY COLUMN ${columnSql({ ...column, type: column.rawType ?? column.type }, false)}`;
  return [step([modify({ ...next, rawType: next.type })], [modify(was)], { locksExisting })];
}

function dropConstraint(change: Extract<Change, { op: 'drop_constraint' }>, facts: SchemaFacts): string {
  const table = tableIn(facts, change.table);
  if (table?.foreignKeys.some((fk) => fk.name === change.name))
    return `ALTER TABLE ${q(change.table)} DROP FOREIGN KEY ${q(change.name)}`;
  if (table?.uniques.some((unique) => unique.name === change.name))
    return `ALTER TABLE ${q(change.table)} DROP INDEX ${q(change.name)}`;
  return `ALTER TABLE ${q(change.table)} DROP CONSTRAINT ${q(change.name)}`;
}

function unsupported(what: string): never {
  throw new UserError(
    'change-not-supported',
    what,
    'Rewrite the change in a form MySQL has, or pass it as raw_sql with its down.',
  );
}

function render(change: Change, facts: SchemaFacts): Step[] {
  const existing = (table: string) => facts.existing(table) !== undefined;
  switch (change.op) {
    case 'create_table':
      return createTable(change, facts);
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
          [`RENAME TABLE ${q(change.from)} TO ${q(change.to)}`],
          [`RENAME TABLE ${q(change.to)} TO ${q(change.from)}`],
          { locksExisting: existing(change.from) },
        ),
      ];
    case 'add_column': {
      const { column } = change;
      const maria = isMaria(facts.version);
      const instant =
        existing(change.table) && instantAdd(facts.version) && !column.unique && !column.references
          ? ', ALGORITHM=INSTANT'
          : '';
      const steps = [
        step(
          [
            `ALTER TABLE ${q(change.table)} ADD COLUMN ${maria ? 'IF NOT EXISTS ' : ''}${columnSql({ ...column, primaryKey: false }, false)}${instant}`,
          ],
          [`ALTER TABLE ${q(change.table)} DROP COLUMN ${maria ? 'IF EXISTS ' : ''}${q(column.name)}`],
          { locksExisting: existing(change.table) },
        ),
      ];
      if (column.unique)
        steps.push(
          addIndex(facts, change.table, [column.name], defaultConstraintName(change.table, [column.name], 'key'), true),
        );
      if (column.check)
        steps.push(
          step(
            [
              `ALTER TABLE ${q(change.table)} ADD CONSTRAINT ${q(defaultConstraintName(change.table, [column.name], 'check'))} CHECK (${column.check})`,
            ],
            [
              `ALTER TABLE ${q(change.table)} DROP CONSTRAINT ${q(defaultConstraintName(change.table, [column.name], 'check'))}`,
            ],
            { locksExisting: existing(change.table) },
          ),
        );
      if (column.references) steps.push(...addForeignKey(facts, change.table, [column.name], column.references));
      return steps;
    }
    case 'drop_column':
      return [
        step(
          [
            `ALTER TABLE ${q(change.table)} DROP COLUMN ${isMaria(facts.version) ? 'IF EXISTS ' : ''}${q(change.column)}`,
          ],
          restoreSql(facts.schema, change),
          { locksExisting: true, destroys: `every value of ${change.table}.${change.column}` },
        ),
      ];
    case 'rename_column':
      return [
        step(
          [`ALTER TABLE ${q(change.table)} RENAME COLUMN ${q(change.from)} TO ${q(change.to)}`],
          [`ALTER TABLE ${q(change.table)} RENAME COLUMN ${q(change.to)} TO ${q(change.from)}`],
          { locksExisting: existing(change.table) },
        ),
      ];
    case 'alter_column':
      return alterColumn(change, facts);
    case 'add_index':
      if (change.where || change.using) unsupported('MySQL has no partial indexes or index methods in CREATE INDEX.');
      return [
        addIndex(
          facts,
          change.table,
          change.columns,
          change.name ?? defaultConstraintName(change.table, change.columns, 'idx'),
          change.unique,
        ),
      ];
    case 'drop_index': {
      const owner =
        change.table ??
        facts.schema.tables.find((table) => table.indexes.some((index) => index.name === change.name))?.name;
      if (!owner) unsupported(`MySQL needs the table of index ${change.name}: pass table.`);
      return [
        step([`ALTER TABLE ${q(owner)} DROP INDEX ${q(change.name)}`], restoreSql(facts.schema, change), {
          locksExisting: existing(owner),
        }),
      ];
    }
    case 'add_foreign_key':
      return addForeignKey(facts, change.table, change.columns, change.references, change.name);
    case 'add_unique':
      return [
        addIndex(
          facts,
          change.table,
          change.columns,
          change.name ?? defaultConstraintName(change.table, change.columns, 'key'),
          true,
        ),
      ];
    case 'add_check': {
      const name = change.name ?? checkName(change.table, change.expression);
      return [
        step(
          [`ALTER TABLE ${q(change.table)} ADD CONSTRAINT ${q(name)} CHECK (${change.expression})`],
          [`ALTER TABLE ${q(change.table)} DROP CONSTRAINT ${q(name)}`],
          { locksExisting: existing(change.table) },
        ),
      ];
    }
    case 'drop_constraint':
      return [
        step([dropConstraint(change, facts)], restoreSql(facts.schema, change), {
          locksExisting: existing(change.table),
        }),
      ];
    case 'create_enum':
    case 'add_enum_value':
    case 'drop_enum':
      return unsupported(
        `MySQL has no enum types of their own (${change.op}): change the column type to ENUM('a', 'b') with alter_column.`,
      );
    case 'raw_sql':
      return [step([change.up.replace(/;\s*$/, '')], [change.down.replace(/;\s*$/, '')], { locksExisting: true })];
  }
}

function backfill(spec: BackfillSpec): { up: string[]; transactional: boolean } {
  const procedure = q(`dma_backfill_${spec.table}_${spec.column}`.slice(0, 64));
  // Each UPDATE … LIMIT commits on its own (autocommit), so an interrupted run resumes with the rows still pending.
  const order = spec.key?.length ? ` ORDER BY ${list(spec.key)}` : '';
  return {
    transactional: false,
    up: [
      `DROP PROCEDURE IF EXISTS ${procedure}`,
      `CREATE PROCEDURE ${procedure}()
BEGIN
  DECLARE batch_rows INT DEFAULT 1;
  DECLARE total_rows BIGINT DEFAULT 0;
  WHILE batch_rows > 0 DO
    UPDATE ${q(spec.table)} SET ${q(spec.column)} = ${spec.expression} WHERE ${spec.pending}${order} LIMIT ${spec.batchSize};
    SET batch_rows = ROW_COUNT();
    SET total_rows = total_rows + batch_rows;
    DO SLEEP(${spec.pauseSeconds});
  END WHILE;
  SELECT total_rows AS backfilled_rows;
END`,
      `CALL ${procedure}()`,
      `DROP PROCEDURE IF EXISTS ${procedure}`,
    ],
  };
}

export const mysqlDdlWriter: DdlWriter = {
  engine: 'mysql',
  transactionalDdl: false,
  quote: q,
  // Every MySQL DDL statement commits on its own: the setting is the session's, given back (the global value) at the end.
  lockTimeout: (ms) => ({
    before: [`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`],
    after: ['SET SESSION lock_wait_timeout = DEFAULT'],
  }),
  render,
  backfill,
  convert: (column, _type, using) => using ?? q(column),
};
