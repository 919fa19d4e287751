import { quoteIdentifier as ident } from '../../engines/mysql/identifiers.js';
import type { Column, ForeignKey, Index, Schema, Table } from '../model.js';
import { answeredRenames, dependencyOrder, operation, type PlannedOperation, same } from './operation.js';
import type { RenameAnswer } from './types.js';

/**
 * The MySQL/MariaDB plan, the subset these engines alter: tables, columns (MODIFY COLUMN with the full new
 * definition), primary keys, unique keys, indexes, checks, foreign keys and views. Every DDL statement commits on
 * its own, so a failure midway leaves the earlier steps applied: the notes say so.
 */

const PHASE = {
  rename: 0,
  dropView: 1,
  dropForeignKey: 2,
  dropIndex: 3,
  createTable: 4,
  alterTable: 5,
  dropColumn: 6,
  dropTable: 7,
  addIndex: 8,
  addForeignKey: 9,
  createView: 10,
} as const;

export function planMysql(before: Schema, after: Schema, renames: RenameAnswer[]): PlannedOperation[] {
  const ops: PlannedOperation[] = answeredRenames(
    renames,
    PHASE.rename,
    ident,
    (from, to) => `RENAME TABLE ${from} TO ${to}`,
  );
  const a = new Map(before.tables.map((table) => [table.name, table]));
  const b = new Map(after.tables.map((table) => [table.name, table]));
  const changedTables = new Set<string>();
  for (const [name, table] of b) {
    const old = a.get(name);
    if (!old) {
      ops.push(operation(PHASE.createTable, 'create-table', name, 'safe', 'new table', [createTable(table)]));
      for (const fk of table.foreignKeys)
        ops.push(
          operation(PHASE.addForeignKey, 'add-constraint', `${name}.${fk.name}`, 'safe', 'foreign key of a new table', [
            `ALTER TABLE ${ident(name)} ADD ${foreignKey(fk)}`,
          ]),
        );
      continue;
    }
    if (alterTable(ops, old, table)) changedTables.add(name);
  }
  const dropped = [...a.values()].filter((table) => !b.has(table.name));
  const order = dependencyOrder(
    dropped,
    (table) => table.name,
    (table) => table.foreignKeys.map((fk) => fk.referencedTable),
  ).reverse();
  for (const table of order) {
    for (const fk of table.foreignKeys.filter((item) => b.has(item.referencedTable)))
      ops.push(
        operation(
          PHASE.dropForeignKey,
          'drop-constraint',
          `${table.name}.${fk.name}`,
          'safe',
          'foreign key of a removed table',
          [`ALTER TABLE ${ident(table.name)} DROP FOREIGN KEY ${ident(fk.name)}`],
        ),
      );
    ops.push(
      operation(
        PHASE.dropTable,
        'drop-table',
        table.name,
        'dangerous',
        'table removed: every row is deleted',
        [`DROP TABLE ${ident(table.name)}`],
        {
          hazards: ['data-loss'],
          dataLoss: `every row of ${table.name} (${table.columns.length} column(s): ${table.columns.map((column) => column.name).join(', ')})`,
        },
      ),
    );
  }
  planViews(ops, before, after, changedTables);
  return ops;
}

/** Returns whether a column changed (views reading the table are then recreated). */
function alterTable(ops: PlannedOperation[], old: Table, table: Table): boolean {
  const name = table.name;
  let columnsChanged = false;
  for (const column of table.columns) {
    const was = old.columns.find((item) => item.name === column.name);
    const target = `${name}.${column.name}`;
    if (!was) {
      const failing = !column.nullable && column.default === undefined && !column.autoIncrement;
      ops.push(
        operation(
          PHASE.alterTable,
          'add-column',
          target,
          failing ? 'careful' : 'safe',
          failing
            ? 'NOT NULL without a default: existing rows get the type’s implicit default (0, empty string)'
            : 'column added (InnoDB adds it instantly when it is last)',
          [`ALTER TABLE ${ident(name)} ADD COLUMN ${columnDefinition(column)}`],
        ),
      );
      continue;
    }
    if (same(columnFacts(was), columnFacts(column))) continue;
    columnsChanged = true;
    const typeChanged = was.type !== column.type;
    const narrowed = typeChanged && isNarrowing(was.type, column.type);
    ops.push(
      operation(
        PHASE.alterTable,
        'alter-column',
        target,
        typeChanged || (was.nullable && !column.nullable) ? 'dangerous' : 'safe',
        typeChanged
          ? `type ${was.type} → ${column.type}: the table is copied (ALGORITHM=COPY) and writes are blocked meanwhile`
          : was.nullable && !column.nullable
            ? 'NOT NULL: the table is rebuilt and fails (or converts NULLs in non-strict mode) on existing NULLs'
            : 'default or nullability relaxed',
        [`ALTER TABLE ${ident(name)} MODIFY COLUMN ${columnDefinition(column)}`],
        {
          hazards: typeChanged
            ? ['table-rewrite', 'blocks-writes', 'may-fail-on-data', ...(narrowed ? (['data-loss'] as const) : [])]
            : was.nullable && !column.nullable
              ? ['table-rewrite', 'may-fail-on-data']
              : [],
          ...(narrowed ? { dataLoss: `precision or length of ${target} (${was.type} → ${column.type})` } : {}),
        },
      ),
    );
  }
  for (const column of old.columns) {
    if (table.columns.some((item) => item.name === column.name)) continue;
    columnsChanged = true;
    ops.push(
      operation(
        PHASE.dropColumn,
        'drop-column',
        `${name}.${column.name}`,
        'dangerous',
        'column removed: its values are deleted',
        [`ALTER TABLE ${ident(name)} DROP COLUMN ${ident(column.name)}`],
        { hazards: ['data-loss', 'table-rewrite'], dataLoss: `every value of ${name}.${column.name} (${column.type})` },
      ),
    );
  }
  if (!same(old.primaryKey?.columns, table.primaryKey?.columns)) {
    const sql = [
      ...(old.primaryKey ? [`ALTER TABLE ${ident(name)} DROP PRIMARY KEY`] : []),
      ...(table.primaryKey ? [`ALTER TABLE ${ident(name)} ADD PRIMARY KEY (${idents(table.primaryKey.columns)})`] : []),
    ];
    ops.push(
      operation(
        PHASE.addIndex,
        'alter-table',
        `${name}.PRIMARY`,
        'dangerous',
        'primary key changed: the table is rebuilt',
        sql,
        {
          hazards: ['table-rewrite', 'blocks-writes', 'may-fail-on-data'],
        },
      ),
    );
  }
  const oldKeys = keysOf(old);
  const newKeys = keysOf(table);
  for (const [keyName, key] of oldKeys) {
    if (same(newKeys.get(keyName), key)) continue;
    ops.push(
      operation(PHASE.dropIndex, 'drop-index', `${name}.${keyName}`, 'safe', 'index removed or changed', [
        `ALTER TABLE ${ident(name)} DROP INDEX ${ident(keyName)}`,
      ]),
    );
  }
  for (const [keyName, key] of newKeys) {
    if (same(oldKeys.get(keyName), key)) continue;
    ops.push(
      operation(
        PHASE.addIndex,
        'create-index',
        `${name}.${keyName}`,
        key.unique ? 'careful' : 'safe',
        key.unique
          ? 'unique index: fails on duplicates (built online, ALGORITHM=INPLACE)'
          : 'index built online (ALGORITHM=INPLACE, LOCK=NONE)',
        [`ALTER TABLE ${ident(name)} ADD ${keySql(keyName, key)}`],
        { hazards: key.unique ? ['full-table-scan', 'may-fail-on-data'] : ['full-table-scan'] },
      ),
    );
  }
  const oldChecks = new Map(old.checks.map((check) => [check.name, check.expression]));
  const newChecks = new Map(table.checks.map((check) => [check.name, check.expression]));
  for (const [checkName, expression] of oldChecks)
    if (newChecks.get(checkName) !== expression)
      ops.push(
        operation(PHASE.dropIndex, 'drop-constraint', `${name}.${checkName}`, 'safe', 'check removed or changed', [
          `ALTER TABLE ${ident(name)} DROP CONSTRAINT ${ident(checkName)}`,
        ]),
      );
  for (const [checkName, expression] of newChecks)
    if (oldChecks.get(checkName) !== expression)
      ops.push(
        operation(
          PHASE.addIndex,
          'add-constraint',
          `${name}.${checkName}`,
          'careful',
          'check added: every row is checked while the table is copied',
          [`ALTER TABLE ${ident(name)} ADD CONSTRAINT ${ident(checkName)} CHECK (${expression})`],
          { hazards: ['table-rewrite', 'may-fail-on-data'] },
        ),
      );
  const oldFks = new Map(old.foreignKeys.map((fk) => [fk.name, fk]));
  const newFks = new Map(table.foreignKeys.map((fk) => [fk.name, fk]));
  for (const [fkName, fk] of oldFks)
    if (!same(newFks.get(fkName), fk))
      ops.push(
        operation(
          PHASE.dropForeignKey,
          'drop-constraint',
          `${name}.${fkName}`,
          'safe',
          'foreign key removed or changed',
          [`ALTER TABLE ${ident(name)} DROP FOREIGN KEY ${ident(fkName)}`],
        ),
      );
  for (const [fkName, fk] of newFks)
    if (!same(oldFks.get(fkName), fk))
      ops.push(
        operation(
          PHASE.addForeignKey,
          'add-constraint',
          `${name}.${fkName}`,
          'careful',
          'foreign key: every row is checked (the table is copied unless foreign_key_checks is off)',
          [`ALTER TABLE ${ident(name)} ADD ${foreignKey(fk)}`],
          { hazards: ['full-table-scan', 'may-fail-on-data'] },
        ),
      );
  return columnsChanged;
}

interface Key {
  columns: string[];
  unique: boolean;
  method?: string;
}

/** Unique constraints and plain indexes are both keys in MySQL; an index backing a foreign key is one too. */
function keysOf(table: Table): Map<string, Key> {
  const keys = new Map<string, Key>();
  for (const unique of table.uniques) keys.set(unique.name, { columns: unique.columns, unique: true });
  for (const index of table.indexes) keys.set(index.name, keyOf(index));
  return keys;
}

function keyOf(index: Index): Key {
  return {
    columns: index.columns,
    unique: index.unique,
    ...(index.method === 'fulltext' ? { method: 'fulltext' } : {}),
  };
}

function keySql(name: string, key: Key): string {
  const kind = key.method === 'fulltext' ? 'FULLTEXT INDEX' : key.unique ? 'UNIQUE INDEX' : 'INDEX';
  return `${kind} ${ident(name)} (${idents(key.columns)})`;
}

function columnFacts(column: Column): unknown {
  return {
    type: column.type,
    nullable: column.nullable,
    default: column.default,
    autoIncrement: column.autoIncrement,
    generated: column.generated,
    comment: column.comment,
    collation: column.collation,
  };
}

function createTable(table: Table): string {
  const parts = table.columns.map(columnDefinition);
  if (table.primaryKey) parts.push(`PRIMARY KEY (${idents(table.primaryKey.columns)})`);
  for (const [name, key] of keysOf(table)) parts.push(keySql(name, key));
  for (const check of table.checks) parts.push(`CONSTRAINT ${ident(check.name)} CHECK (${check.expression})`);
  const engine = table.options?.engine ? ` ENGINE=${table.options.engine}` : '';
  return `CREATE TABLE ${ident(table.name)} (\n  ${parts.join(',\n  ')}\n)${engine}`;
}

function columnDefinition(column: Column): string {
  let text = `${ident(column.name)} ${column.rawType ?? column.type}`;
  if (column.collation) text += ` COLLATE ${column.collation}`;
  if (column.generated) text += ` GENERATED ALWAYS AS (${column.generated}) STORED`;
  if (!column.generated) text += column.nullable ? ' NULL' : ' NOT NULL';
  if (column.default !== undefined && !column.generated) text += ` DEFAULT ${defaultSql(column.default)}`;
  if (column.autoIncrement) text += ' AUTO_INCREMENT';
  if (column.comment) text += ` COMMENT '${column.comment.replaceAll("'", "''")}'`;
  return text;
}

/**
 * MariaDB reports defaults as SQL (`'x'`, `current_timestamp()`, `NULL`); MySQL 8 reports literals bare. A bare
 * value that is not a number or a known function is quoted.
 */
function defaultSql(value: string): string {
  if (/^'.*'$/s.test(value) || /^-?\d+(\.\d+)?$/.test(value) || /^(null|true|false)$/i.test(value)) return value;
  if (/^(current_timestamp|now|curdate|uuid)\b/i.test(value) || /^\(.*\)$/s.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

function foreignKey(fk: ForeignKey): string {
  return `CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${idents(fk.columns)}) REFERENCES ${ident(fk.referencedTable)} (${idents(fk.referencedColumns)}) ON DELETE ${fk.onDelete.toUpperCase()} ON UPDATE ${fk.onUpdate.toUpperCase()}`;
}

function planViews(ops: PlannedOperation[], before: Schema, after: Schema, changedTables: Set<string>): void {
  const a = new Map(before.views.map((view) => [view.name, view]));
  const b = new Map(after.views.map((view) => [view.name, view]));
  const reads = (definition: string, table: string) => new RegExp(`\`${table}\``).test(definition);
  for (const [name, view] of a) {
    const next = b.get(name);
    const dependsOnChange = [...changedTables].some((table) => reads(view.definition, table));
    if (next && next.definition === view.definition && !dependsOnChange) continue;
    ops.push(
      operation(PHASE.dropView, 'drop-view', name, 'safe', next ? 'dropped to be recreated' : 'view removed', [
        `DROP VIEW ${ident(name)}`,
      ]),
    );
  }
  for (const [name, view] of b) {
    const was = a.get(name);
    const dependsOnChange = [...changedTables].some((table) => reads(view.definition, table));
    if (was && was.definition === view.definition && !dependsOnChange) continue;
    ops.push(
      operation(PHASE.createView, 'create-view', name, 'safe', was ? 'view recreated' : 'new view', [
        `CREATE VIEW ${ident(name)} AS ${view.definition}`,
      ]),
    );
  }
}

const LENGTH = /^(varchar|char|varbinary|binary)\((\d+)\)$/;

function isNarrowing(from: string, to: string): boolean {
  const a = LENGTH.exec(from);
  const b = LENGTH.exec(to);
  if (a && b) return Number(b[2]) < Number(a[2]);
  const rank: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 5 };
  const base = (type: string) => type.replace(/\(\d+\)/, '').replace(/ unsigned$/, '');
  const ra = rank[base(from)];
  const rb = rank[base(to)];
  if (ra !== undefined && rb !== undefined) return rb < ra;
  if (/text|varchar/.test(from) && /^(tinyint|smallint|int|bigint|date|datetime)/.test(to)) return true;
  return false;
}

function idents(names: string[]): string {
  return names.map(ident).join(', ');
}
