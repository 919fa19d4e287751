import { ddlIdentifier as ident } from '../../engines/postgresql/identifiers.js';
import type {
  Column,
  Domain,
  EnumType,
  ForeignKey,
  Index,
  Policy,
  Routine,
  Schema,
  Sequence,
  Table,
  Trigger,
  View,
} from '../model.js';
import { qualifiedName, routineSignature } from '../model.js';
import { dependencyOrder, operation, type PlannedOperation, same } from './operation.js';
import { planGrants } from './postgres-grants.js';
import { identityOptionChanges, identityOptionsClause } from './postgres-identity.js';
import type { RenameAnswer } from './types.js';

/**
 * The PostgreSQL plan from one schema to another. Phases keep dependencies right: schemas, extensions and types
 * first; renames; dependent views, triggers, policies and foreign keys dropped before the tables they touch
 * change; tables created, altered, dropped; keys, indexes and foreign keys added; routines, views, triggers and
 * policies (re)created last; types, sequences, extensions and schemas dropped at the very end.
 */

const PHASE = {
  schema: 0,
  extension: 1,
  type: 2,
  sequence: 3,
  rename: 4,
  dropTrigger: 5,
  dropPolicy: 5,
  dropView: 6,
  dropForeignKey: 7,
  dropConstraint: 8,
  dropIndex: 8,
  createTable: 9,
  alterTable: 10,
  dropColumn: 11,
  dropTable: 12,
  dropRoutine: 13,
  addConstraint: 14,
  createIndex: 14,
  sequenceOwner: 15,
  addForeignKey: 16,
  routine: 17,
  createView: 18,
  createTrigger: 19,
  createPolicy: 20,
  comment: 21,
  grant: 21,
  dropType: 22,
  dropSequence: 22,
  dropExtension: 23,
  dropSchema: 24,
} as const;

export function planPostgres(before: Schema, after: Schema, renames: RenameAnswer[]): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  planRenames(ops, before, renames);
  planNamespaces(ops, before, after);
  planExtensions(ops, before, after);
  planEnums(ops, before, after);
  planDomains(ops, before, after);
  planSequences(ops, before, after);
  const rebuiltViews = planViews(ops, before, after);
  planTables(ops, before, after, rebuiltViews);
  planRoutines(ops, before, after);
  planTriggers(ops, before, after);
  planPolicies(ops, before, after);
  ops.push(...planGrants(before, after, PHASE.grant));
  return ops;
}

// ── renames ─────────────────────────────────────────────────────────────────────────────────────────────────

function planRenames(ops: PlannedOperation[], before: Schema, renames: RenameAnswer[]): void {
  for (const answer of renames.filter((item) => !item.table)) {
    const to = answer.to.split('.').pop() ?? answer.to;
    ops.push(
      operation(
        PHASE.rename,
        'rename-table',
        answer.from,
        'careful',
        `renamed to ${answer.to} (answered rename)`,
        [`ALTER TABLE ${q(answer.from)} RENAME TO ${ident(to)}`],
        { hazards: ['blocks-reads'] },
      ),
    );
  }
  for (const answer of renames.filter((item) => item.table)) {
    const table = answer.table ?? '';
    ops.push(
      operation(
        PHASE.rename,
        'rename-column',
        `${table}.${answer.from}`,
        'careful',
        `renamed to ${answer.to} (answered rename): instant, but code still reading ${answer.from} breaks`,
        [`ALTER TABLE ${q(table)} RENAME COLUMN ${ident(answer.from)} TO ${ident(answer.to)}`],
        { hazards: ['blocks-reads'] },
      ),
    );
  }
  void before;
}

// ── namespaces, extensions, types, sequences ────────────────────────────────────────────────────────────────

function planNamespaces(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = new Set(before.namespaces ?? []);
  const b = new Set(after.namespaces ?? []);
  for (const name of b)
    if (!a.has(name))
      ops.push(operation(PHASE.schema, 'create-schema', name, 'safe', 'new schema', [`CREATE SCHEMA ${ident(name)}`]));
  for (const name of a)
    if (!b.has(name))
      ops.push(
        operation(
          PHASE.dropSchema,
          'drop-schema',
          name,
          'careful',
          'schema removed (fails if anything is left in it)',
          [`DROP SCHEMA ${ident(name)}`],
        ),
      );
}

function planExtensions(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = byName(before.extensions ?? [], (item) => item.name);
  const b = byName(after.extensions ?? [], (item) => item.name);
  for (const [name, ext] of b) {
    const old = a.get(name);
    if (!old)
      ops.push(
        operation(PHASE.extension, 'create-extension', name, 'safe', 'new extension', [
          `CREATE EXTENSION IF NOT EXISTS ${ident(name)}${ext.namespace ? ` SCHEMA ${ident(ext.namespace)}` : ''}`,
        ]),
      );
    else if (old.version && ext.version && old.version !== ext.version)
      ops.push(
        operation(
          PHASE.extension,
          'alter-extension',
          name,
          'careful',
          `extension version ${old.version} → ${ext.version}`,
          [`ALTER EXTENSION ${ident(name)} UPDATE TO ${literal(ext.version)}`],
        ),
      );
  }
  for (const name of a.keys())
    if (!b.has(name))
      ops.push(
        operation(
          PHASE.dropExtension,
          'drop-extension',
          name,
          'dangerous',
          'extension removed with its functions and types',
          [`DROP EXTENSION ${ident(name)}`],
          { hazards: ['data-loss'], dataLoss: `objects created by extension ${name}` },
        ),
      );
}

function planEnums(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = byName(before.enums, qualifiedName);
  const b = byName(after.enums, qualifiedName);
  for (const [name, type] of b) {
    const old = a.get(name);
    if (!old) {
      ops.push(
        operation(PHASE.type, 'create-enum', name, 'safe', 'new enum type', [
          `CREATE TYPE ${q(name)} AS ENUM (${type.values.map(literal).join(', ')})`,
        ]),
      );
      continue;
    }
    if (same(old.values, type.values)) continue;
    if (isOrderedSuperset(old.values, type.values)) {
      for (const [index, value] of type.values.entries()) {
        if (old.values.includes(value)) continue;
        const next = type.values.slice(index + 1).find((item) => old.values.includes(item));
        ops.push(
          operation(PHASE.type, 'add-enum-value', `${name}.${value}`, 'safe', 'new enum value', [
            `ALTER TYPE ${q(name)} ADD VALUE ${literal(value)}${next !== undefined ? ` BEFORE ${literal(next)}` : ''}`,
          ]),
        );
      }
      continue;
    }
    ops.push(recreateEnum(name, old, type, after));
  }
  for (const [name] of a)
    if (!b.has(name))
      ops.push(
        operation(PHASE.dropType, 'drop-enum', name, 'careful', 'enum type removed (fails while a column uses it)', [
          `DROP TYPE ${q(name)}`,
        ]),
      );
}

/** Removing or reordering values: a new type, every column converted through text, the old type dropped. */
function recreateEnum(name: string, old: EnumType, type: EnumType, after: Schema): PlannedOperation {
  const removed = old.values.filter((value) => !type.values.includes(value));
  const temporary = `${type.name}__old`;
  const sql = [
    `ALTER TYPE ${q(name)} RENAME TO ${ident(temporary)}`,
    `CREATE TYPE ${q(name)} AS ENUM (${type.values.map(literal).join(', ')})`,
  ];
  for (const table of after.tables) {
    for (const column of table.columns) {
      if (column.rawType !== name && column.type !== name) continue;
      const target = `${q(qualifiedName(table))}`;
      if (column.default !== undefined)
        sql.push(`ALTER TABLE ${target} ALTER COLUMN ${ident(column.name)} DROP DEFAULT`);
      sql.push(
        `ALTER TABLE ${target} ALTER COLUMN ${ident(column.name)} TYPE ${q(name)} USING ${ident(column.name)}::text::${q(name)}`,
      );
      if (column.default !== undefined)
        sql.push(`ALTER TABLE ${target} ALTER COLUMN ${ident(column.name)} SET DEFAULT ${column.default}`);
    }
  }
  const namespace = old.namespace ? `${ident(old.namespace)}.` : '';
  sql.push(`DROP TYPE ${namespace}${ident(temporary)}`);
  return operation(
    PHASE.type,
    'recreate-enum',
    name,
    'dangerous',
    removed.length > 0
      ? `enum values removed (${removed.join(', ')}): rows holding them make the conversion fail`
      : 'enum values reordered: PostgreSQL cannot reorder in place, the type is rebuilt',
    sql,
    {
      hazards: [
        'table-rewrite',
        'blocks-reads',
        'may-fail-on-data',
        ...(removed.length > 0 ? (['data-loss'] as const) : []),
      ],
      ...(removed.length > 0
        ? { dataLoss: `enum values ${removed.join(', ')} of ${name} can no longer be stored` }
        : {}),
    },
  );
}

function isOrderedSuperset(old: string[], next: string[]): boolean {
  const kept = next.filter((value) => old.includes(value));
  return same(kept, old);
}

function planDomains(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = byName(before.domains ?? [], qualifiedName);
  const b = byName(after.domains ?? [], qualifiedName);
  for (const [name, domain] of b) {
    const old = a.get(name);
    if (!old) {
      ops.push(operation(PHASE.type, 'create-domain', name, 'safe', 'new domain', [createDomain(name, domain)]));
      continue;
    }
    if (old.type !== domain.type || old.collation !== domain.collation) {
      ops.push(
        operation(
          PHASE.type,
          'alter-domain',
          name,
          'dangerous',
          `domain base type ${old.type} → ${domain.type}: dropped and recreated`,
          [`DROP DOMAIN ${q(name)}`, createDomain(name, domain)],
          { hazards: ['may-fail-on-data'] },
        ),
      );
      continue;
    }
    const sql: string[] = [];
    if (old.default !== domain.default)
      sql.push(
        `ALTER DOMAIN ${q(name)} ${domain.default !== undefined ? `SET DEFAULT ${domain.default}` : 'DROP DEFAULT'}`,
      );
    if (old.notNull !== domain.notNull) sql.push(`ALTER DOMAIN ${q(name)} ${domain.notNull ? 'SET' : 'DROP'} NOT NULL`);
    const oldChecks = byName(old.checks, (check) => check.name);
    const newChecks = byName(domain.checks, (check) => check.name);
    for (const [checkName, check] of oldChecks)
      if (newChecks.get(checkName)?.expression !== check.expression)
        sql.push(`ALTER DOMAIN ${q(name)} DROP CONSTRAINT ${ident(checkName)}`);
    for (const [checkName, check] of newChecks)
      if (oldChecks.get(checkName)?.expression !== check.expression)
        sql.push(`ALTER DOMAIN ${q(name)} ADD CONSTRAINT ${ident(checkName)} CHECK ${check.expression}`);
    if (sql.length > 0)
      ops.push(
        operation(
          PHASE.type,
          'alter-domain',
          name,
          'careful',
          'domain constraint or default changed: existing values are checked',
          sql,
          {
            hazards: ['full-table-scan', 'may-fail-on-data'],
          },
        ),
      );
  }
  for (const [name] of a)
    if (!b.has(name))
      ops.push(operation(PHASE.dropType, 'drop-domain', name, 'careful', 'domain removed', [`DROP DOMAIN ${q(name)}`]));
}

function createDomain(name: string, domain: Domain): string {
  let text = `CREATE DOMAIN ${q(name)} AS ${domain.type}`;
  if (domain.collation) text += ` COLLATE ${ident(domain.collation)}`;
  if (domain.default !== undefined) text += ` DEFAULT ${domain.default}`;
  if (domain.notNull) text += ' NOT NULL';
  for (const check of domain.checks) text += ` CONSTRAINT ${ident(check.name)} CHECK ${check.expression}`;
  return text;
}

function standaloneSequences(schema: Schema): Map<string, Sequence> {
  return byName(
    schema.sequences.filter((sequence) => !sequence.identity),
    qualifiedName,
  );
}

function planSequences(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = standaloneSequences(before);
  const b = standaloneSequences(after);
  const droppedColumns = new Set<string>();
  for (const table of before.tables) {
    const next = after.tables.find((item) => qualifiedName(item) === qualifiedName(table));
    for (const column of table.columns)
      if (!next?.columns.some((item) => item.name === column.name))
        droppedColumns.add(`${qualifiedName(table)}.${column.name}`);
  }
  for (const [name, sequence] of b) {
    const old = a.get(name);
    if (!old) {
      const o = sequence.options;
      ops.push(
        operation(PHASE.sequence, 'create-sequence', name, 'safe', 'new sequence', [
          `CREATE SEQUENCE ${q(name)}${o ? ` AS ${o.type} INCREMENT BY ${o.increment} MINVALUE ${o.min} MAXVALUE ${o.max} START WITH ${o.start} CACHE ${o.cache}${o.cycle ? ' CYCLE' : ''}` : ''}`,
        ]),
      );
    } else if (sequence.options && old.options && !same(old.options, sequence.options)) {
      const o = sequence.options;
      ops.push(
        operation(PHASE.sequence, 'alter-sequence', name, 'careful', 'sequence options changed', [
          `ALTER SEQUENCE ${q(name)} AS ${o.type} INCREMENT BY ${o.increment} MINVALUE ${o.min} MAXVALUE ${o.max} START WITH ${o.start} CACHE ${o.cache}${o.cycle ? ' CYCLE' : ' NO CYCLE'}`,
        ]),
      );
    }
    if (sequence.ownedBy && sequence.ownedBy !== old?.ownedBy)
      ops.push(
        operation(PHASE.sequenceOwner, 'alter-sequence', name, 'safe', `sequence owned by ${sequence.ownedBy}`, [
          `ALTER SEQUENCE ${q(name)} OWNED BY ${q(sequence.ownedBy)}`,
        ]),
      );
    else if (!sequence.ownedBy && old?.ownedBy && !droppedColumns.has(old.ownedBy))
      ops.push(
        operation(PHASE.sequenceOwner, 'alter-sequence', name, 'safe', 'sequence no longer owned by a column', [
          `ALTER SEQUENCE ${q(name)} OWNED BY NONE`,
        ]),
      );
  }
  for (const [name, sequence] of a) {
    if (b.has(name)) continue;
    // An owned sequence goes with its column or table.
    if (sequence.ownedBy && droppedColumns.has(sequence.ownedBy)) continue;
    ops.push(
      operation(
        PHASE.dropSequence,
        'drop-sequence',
        name,
        'careful',
        'sequence removed: its current value is lost',
        [`DROP SEQUENCE ${q(name)}`],
        { hazards: ['data-loss'], dataLoss: `the current value of sequence ${name}` },
      ),
    );
  }
}

// ── views ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Views dropped first (dependants before what they read) and created last (in dependency order). A view is
 * rebuilt when its definition changed, when something it reads is rebuilt, or when a table it reads has a
 * column retyped or dropped (PostgreSQL refuses both while a view depends on the column).
 */
function planViews(ops: PlannedOperation[], before: Schema, after: Schema): Set<string> {
  const a = byName(before.views, qualifiedName);
  const b = byName(after.views, qualifiedName);
  const changedTables = tablesWithBreakingColumnChanges(before, after);
  const rebuild = new Set<string>();
  for (const [name, view] of a) {
    const next = b.get(name);
    if (!next || next.definition !== view.definition || Boolean(next.materialized) !== Boolean(view.materialized))
      rebuild.add(name);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, view] of a) {
      if (rebuild.has(name)) continue;
      if ((view.dependsOn ?? []).some((dep) => rebuild.has(dep) || changedTables.has(dep))) {
        rebuild.add(name);
        grew = true;
      }
    }
  }
  const dropOrder = dependencyOrder([...a.values()], qualifiedName, (view) => view.dependsOn ?? []).reverse();
  for (const view of dropOrder) {
    const name = qualifiedName(view);
    if (!rebuild.has(name)) continue;
    const stays = b.has(name);
    ops.push(
      operation(
        PHASE.dropView,
        'drop-view',
        name,
        view.materialized && !stays ? 'careful' : 'safe',
        stays ? 'dropped to be recreated with its new definition or around a change of what it reads' : 'view removed',
        [`DROP ${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${q(name)}`],
        { hazards: stays ? ['dependent-objects'] : [] },
      ),
    );
  }
  const createOrder = dependencyOrder([...b.values()], qualifiedName, (view) => view.dependsOn ?? []);
  for (const view of createOrder) {
    const name = qualifiedName(view);
    if (a.has(name) && !rebuild.has(name)) {
      if (a.get(name)?.comment !== view.comment) ops.push(commentOp('VIEW', name, view.comment, view.materialized));
      continue;
    }
    ops.push(
      operation(
        PHASE.createView,
        'create-view',
        name,
        view.materialized ? 'careful' : 'safe',
        view.materialized
          ? 'materialized view (re)created: its query runs in full'
          : a.has(name)
            ? 'view recreated'
            : 'new view',
        [
          createView(view),
          ...(view.comment !== undefined
            ? [commentSql(view.materialized ? 'MATERIALIZED VIEW' : 'VIEW', name, view.comment)]
            : []),
        ],
        { hazards: view.materialized ? ['full-table-scan'] : [] },
      ),
    );
  }
  return rebuild;
}

function createView(view: View): string {
  const body = view.definition.replace(/;\s*$/, '');
  return `CREATE ${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${q(qualifiedName(view))} AS\n${body}`;
}

function tablesWithBreakingColumnChanges(before: Schema, after: Schema): Set<string> {
  const result = new Set<string>();
  const next = byName(after.tables, qualifiedName);
  for (const table of before.tables) {
    const name = qualifiedName(table);
    const other = next.get(name);
    if (!other) {
      result.add(name);
      continue;
    }
    for (const column of table.columns) {
      const match = other.columns.find((item) => item.name === column.name);
      if (
        !match ||
        match.type !== column.type ||
        match.collation !== column.collation ||
        match.generated !== column.generated
      )
        result.add(name);
    }
  }
  return result;
}

// ── tables ──────────────────────────────────────────────────────────────────────────────────────────────────

function planTables(ops: PlannedOperation[], before: Schema, after: Schema, rebuiltViews: Set<string>): void {
  void rebuiltViews;
  const a = byName(before.tables, qualifiedName);
  const b = byName(after.tables, qualifiedName);
  for (const [name, table] of b) {
    const old = a.get(name);
    if (!old || !same(old.partitionKey, table.partitionKey) || !samePartitionParent(old, table)) {
      if (old) dropTable(ops, old, before, 'partitioning changed: the table is recreated');
      createTable(ops, table, Boolean(old));
      continue;
    }
    alterTable(ops, old, table);
  }
  const dropped = [...a.values()].filter((table) => !b.has(qualifiedName(table)));
  // Tables referencing other dropped tables go first, so no DROP fails on a foreign key.
  const order = dependencyOrder(dropped, qualifiedName, (table) =>
    table.foreignKeys.map((fk) => fk.referencedTable),
  ).reverse();
  for (const table of order) {
    // A key of a table that stays may be dropped before this table goes: its foreign keys go first.
    for (const fk of table.foreignKeys.filter((item) => b.has(item.referencedTable)))
      ops.push(
        operation(
          PHASE.dropForeignKey,
          'drop-constraint',
          `${qualifiedName(table)}.${fk.name}`,
          'safe',
          'foreign key of a removed table, dropped before the keys it references change',
          [`ALTER TABLE ${q(qualifiedName(table))} DROP CONSTRAINT ${ident(fk.name)}`],
        ),
      );
    dropTable(ops, table, before, 'table removed');
  }
}

function samePartitionParent(a: Table, b: Table): boolean {
  return a.partitionOf?.parent === b.partitionOf?.parent;
}

function createTable(ops: PlannedOperation[], table: Table, recreated: boolean): void {
  const name = qualifiedName(table);
  const sql: string[] = [];
  if (table.partitionOf) {
    sql.push(`CREATE TABLE ${q(name)} PARTITION OF ${q(table.partitionOf.parent)} ${table.partitionOf.bound}`);
  } else {
    const parts = table.columns.map(columnDefinition);
    if (table.primaryKey)
      parts.push(`${constraintName(table.primaryKey.name)}PRIMARY KEY (${idents(table.primaryKey.columns)})`);
    for (const unique of table.uniques) parts.push(`CONSTRAINT ${ident(unique.name)} ${uniqueClause(unique)}`);
    for (const check of table.checks.filter((item) => item.validated !== false))
      parts.push(`CONSTRAINT ${ident(check.name)} CHECK ${check.expression}`);
    for (const exclusion of table.exclusions ?? [])
      parts.push(`CONSTRAINT ${ident(exclusion.name)} ${exclusion.definition}`);
    sql.push(
      `CREATE TABLE ${q(name)} (\n  ${parts.join(',\n  ')}\n)${table.partitionKey ? ` PARTITION BY ${table.partitionKey}` : ''}`,
    );
  }
  for (const check of table.checks.filter((item) => item.validated === false))
    sql.push(`ALTER TABLE ${q(name)} ADD CONSTRAINT ${ident(check.name)} CHECK ${check.expression} NOT VALID`);
  if (table.rowSecurity?.enabled) sql.push(`ALTER TABLE ${q(name)} ENABLE ROW LEVEL SECURITY`);
  if (table.rowSecurity?.forced) sql.push(`ALTER TABLE ${q(name)} FORCE ROW LEVEL SECURITY`);
  ops.push(
    operation(PHASE.createTable, 'create-table', name, 'safe', recreated ? 'table recreated' : 'new table', sql),
  );
  for (const index of table.indexes)
    ops.push(
      operation(PHASE.createIndex, 'create-index', `${name}.${index.name}`, 'safe', 'index on a new table', [
        indexSql(index, table),
      ]),
    );
  for (const fk of table.foreignKeys)
    ops.push(
      operation(PHASE.addForeignKey, 'add-constraint', `${name}.${fk.name}`, 'safe', 'foreign key of a new table', [
        addForeignKey(name, fk),
      ]),
    );
  const comments = [
    ...(table.comment !== undefined ? [commentSql('TABLE', name, table.comment)] : []),
    ...table.columns
      .filter((column) => column.comment !== undefined)
      .map((column) => commentSql('COLUMN', `${name}.${column.name}`, column.comment)),
  ];
  if (comments.length > 0)
    ops.push(operation(PHASE.comment, 'comment', name, 'safe', 'comments of a new table', comments));
}

function dropTable(ops: PlannedOperation[], table: Table, before: Schema, reason: string): void {
  const name = qualifiedName(table);
  void before;
  ops.push(
    operation(
      PHASE.dropTable,
      'drop-table',
      name,
      'dangerous',
      `${reason}: every row is deleted`,
      [`DROP TABLE ${q(name)}`],
      {
        hazards: ['data-loss', 'blocks-reads'],
        dataLoss: `every row of ${name} (${table.columns.length} column(s): ${table.columns.map((column) => column.name).join(', ')})`,
      },
    ),
  );
}

function alterTable(ops: PlannedOperation[], old: Table, table: Table): void {
  const name = qualifiedName(table);
  const isPartition = Boolean(table.partitionOf);
  if (isPartition && old.partitionOf && old.partitionOf.bound !== table.partitionOf?.bound) {
    ops.push(
      operation(
        PHASE.alterTable,
        'alter-table',
        name,
        'careful',
        'partition bound changed: detached and attached again (its rows are checked)',
        [
          `ALTER TABLE ${q(table.partitionOf?.parent ?? '')} DETACH PARTITION ${q(name)}`,
          `ALTER TABLE ${q(table.partitionOf?.parent ?? '')} ATTACH PARTITION ${q(name)} ${table.partitionOf?.bound ?? ''}`,
        ],
        { hazards: ['full-table-scan', 'may-fail-on-data'] },
      ),
    );
  }
  // Partitions inherit their columns from the parent; only the parent's columns are altered.
  if (!isPartition) planColumns(ops, name, old, table);
  planConstraints(ops, name, old, table);
  planIndexes(ops, name, old, table);
  if (
    !same(old.rowSecurity ?? { enabled: false, forced: false }, table.rowSecurity ?? { enabled: false, forced: false })
  ) {
    const sql: string[] = [];
    const was = old.rowSecurity ?? { enabled: false, forced: false };
    const now = table.rowSecurity ?? { enabled: false, forced: false };
    if (was.enabled !== now.enabled)
      sql.push(`ALTER TABLE ${q(name)} ${now.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
    if (was.forced !== now.forced)
      sql.push(`ALTER TABLE ${q(name)} ${now.forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`);
    ops.push(
      operation(
        PHASE.createPolicy,
        'alter-table',
        name,
        'careful',
        'row-level security switched: which rows each role sees changes at once',
        sql,
      ),
    );
  }
  if (old.comment !== table.comment) ops.push(commentOp('TABLE', name, table.comment));
}

function planColumns(ops: PlannedOperation[], name: string, old: Table, table: Table): void {
  for (const column of table.columns) {
    const was = old.columns.find((item) => item.name === column.name);
    const target = `${name}.${column.name}`;
    if (!was) {
      ops.push(addColumn(name, column));
      if (column.comment !== undefined) ops.push(commentOp('COLUMN', target, column.comment));
      continue;
    }
    if (was.generated !== column.generated) {
      ops.push(
        operation(
          PHASE.dropColumn,
          'drop-column',
          target,
          'careful',
          'generated expression changed: the column is dropped and added again (its values are derived)',
          [`ALTER TABLE ${q(name)} DROP COLUMN ${ident(column.name)}`],
          { hazards: ['blocks-reads'] },
        ),
      );
      const add = addColumn(name, column);
      add.phase = PHASE.dropColumn;
      ops.push(add);
      continue;
    }
    ops.push(...alterColumn(name, was, column));
    if (was.comment !== column.comment) ops.push(commentOp('COLUMN', target, column.comment));
  }
  for (const column of old.columns) {
    if (table.columns.some((item) => item.name === column.name)) continue;
    ops.push(
      operation(
        PHASE.dropColumn,
        'drop-column',
        `${name}.${column.name}`,
        'dangerous',
        'column removed: its values are deleted',
        [`ALTER TABLE ${q(name)} DROP COLUMN ${ident(column.name)}`],
        { hazards: ['data-loss', 'blocks-reads'], dataLoss: `every value of ${name}.${column.name} (${column.type})` },
      ),
    );
  }
}

function addColumn(table: string, column: Column): PlannedOperation {
  const sql = [`ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinition(column)}`];
  const target = `${table}.${column.name}`;
  if (column.generated)
    return operation(
      PHASE.alterTable,
      'add-column',
      target,
      'careful',
      'stored generated column: every row is rewritten',
      sql,
      {
        hazards: ['table-rewrite', 'blocks-reads'],
      },
    );
  if (column.identity)
    return operation(
      PHASE.alterTable,
      'add-column',
      target,
      'careful',
      'identity column: every row is rewritten to number it',
      sql,
      {
        hazards: ['table-rewrite', 'blocks-reads'],
      },
    );
  if (column.default !== undefined && isVolatile(column.default))
    return operation(
      PHASE.alterTable,
      'add-column',
      target,
      'careful',
      `volatile default ${column.default}: every row is rewritten`,
      sql,
      {
        hazards: ['table-rewrite', 'blocks-reads'],
      },
    );
  if (!column.nullable && column.default === undefined)
    return operation(
      PHASE.alterTable,
      'add-column',
      target,
      'dangerous',
      'NOT NULL without a default: fails on a table that has rows',
      sql,
      {
        hazards: ['may-fail-on-data'],
      },
    );
  return operation(
    PHASE.alterTable,
    'add-column',
    target,
    'safe',
    'nullable or constant default: catalog-only change',
    sql,
  );
}

function isVolatile(expression: string): boolean {
  return /\b(random|gen_random_uuid|uuid_generate_v\d|clock_timestamp|nextval|timeofday)\s*\(/i.test(expression);
}

function alterColumn(table: string, was: Column, column: Column): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  const target = `${table}.${column.name}`;
  const alter = `ALTER TABLE ${q(table)} ALTER COLUMN ${ident(column.name)}`;
  if (was.type !== column.type || was.collation !== column.collation) {
    const type = column.rawType ?? column.type;
    const collate = column.collation ? ` COLLATE ${ident(column.collation)}` : '';
    const widening = isWidening(was.type, column.type) && was.collation === column.collation;
    const sql: string[] = [];
    if (was.default !== undefined && !widening) sql.push(`${alter} DROP DEFAULT`);
    sql.push(`${alter} TYPE ${type}${collate}${widening ? '' : ` USING ${ident(column.name)}::${type}`}`);
    if (widening && was.default !== column.default)
      sql.push(column.default !== undefined ? `${alter} SET DEFAULT ${column.default}` : `${alter} DROP DEFAULT`);
    else if (column.default !== undefined && !widening) sql.push(`${alter} SET DEFAULT ${column.default}`);
    const narrowing = isNarrowing(was.type, column.type);
    ops.push(
      widening
        ? operation(
            PHASE.alterTable,
            'alter-column',
            target,
            'safe',
            `type ${was.type} → ${column.type} widens without a rewrite`,
            sql,
          )
        : operation(
            PHASE.alterTable,
            'alter-column',
            target,
            'dangerous',
            `type ${was.type} → ${column.type}${was.collation !== column.collation ? ` (collation ${was.collation ?? 'default'} → ${column.collation ?? 'default'})` : ''}: every row is rewritten under an ACCESS EXCLUSIVE lock${narrowing ? '; values that do not fit are cut or fail' : ''}`,
            sql,
            {
              hazards: [
                'table-rewrite',
                'blocks-reads',
                'may-fail-on-data',
                ...(narrowing ? (['data-loss'] as const) : []),
              ],
              ...(narrowing ? { dataLoss: `precision or length of ${target} (${was.type} → ${column.type})` } : {}),
            },
          ),
    );
  } else if (was.default !== column.default) {
    ops.push(
      operation(PHASE.alterTable, 'alter-column', target, 'safe', 'default changed (existing rows keep their values)', [
        column.default !== undefined ? `${alter} SET DEFAULT ${column.default}` : `${alter} DROP DEFAULT`,
      ]),
    );
  }
  if (was.identity !== column.identity) {
    const sql = !column.identity
      ? [`${alter} DROP IDENTITY`]
      : !was.identity
        ? [
            `${alter} ADD GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${identityOptionsClause(column)}`,
          ]
        : [`${alter} SET GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`];
    ops.push(
      operation(
        PHASE.alterTable,
        'alter-column',
        target,
        'careful',
        `identity ${was.identity ?? 'none'} → ${column.identity ?? 'none'}`,
        sql,
      ),
    );
  }
  const optionChanges = was.identity && column.identity ? identityOptionChanges(was, column) : [];
  if (optionChanges.length > 0)
    ops.push(
      operation(PHASE.alterTable, 'alter-column', target, 'safe', 'identity sequence options changed', [
        `${alter} ${optionChanges.join(' ')}`,
      ]),
    );
  if (was.nullable !== column.nullable) {
    ops.push(
      column.nullable
        ? operation(PHASE.alterTable, 'alter-column', target, 'safe', 'NOT NULL dropped', [`${alter} DROP NOT NULL`])
        : operation(
            PHASE.alterTable,
            'alter-column',
            target,
            'careful',
            'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock and fails if a NULL exists',
            [`${alter} SET NOT NULL`],
            { hazards: ['full-table-scan', 'blocks-reads', 'may-fail-on-data'] },
          ),
    );
  }
  return ops;
}

const LENGTH_TYPES = /^(varchar|char|bit varying|varbit)\((\d+)\)$/;

function isWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const a = LENGTH_TYPES.exec(from);
  const b = LENGTH_TYPES.exec(to);
  if (a && b && a[1] === b[1] && a[1] !== 'char') return Number(b[2]) >= Number(a[2]);
  if (a?.[1] === 'varchar' && (to === 'text' || to === 'varchar')) return true;
  if (from.startsWith('varchar') && to === 'text') return true;
  const na = /^numeric\((\d+),(\d+)\)$/.exec(from);
  if (na && to === 'numeric') return true;
  return false;
}

function isNarrowing(from: string, to: string): boolean {
  const a = LENGTH_TYPES.exec(from);
  const b = LENGTH_TYPES.exec(to);
  if (a && b) return Number(b[2]) < Number(a[2]);
  if ((from === 'text' || from === 'varchar') && b) return true;
  const rank: Record<string, number> = { int2: 1, int4: 2, int8: 3, numeric: 4 };
  if (rank[from] !== undefined && rank[to] !== undefined) return (rank[to] ?? 0) < (rank[from] ?? 0);
  const na = /^numeric\((\d+),(\d+)\)$/.exec(from);
  const nb = /^numeric\((\d+),(\d+)\)$/.exec(to);
  if (nb && (from === 'numeric' || (na && (Number(nb[1]) < Number(na[1]) || Number(nb[2]) < Number(na[2])))))
    return true;
  if (['int2', 'int4', 'int8'].includes(to) && /^(numeric|float[48])/.test(from)) return true;
  return false;
}

function planConstraints(ops: PlannedOperation[], name: string, old: Table, table: Table): void {
  if (!same(old.primaryKey, table.primaryKey)) {
    if (old.primaryKey)
      ops.push(
        operation(
          PHASE.dropConstraint,
          'drop-constraint',
          `${name}.${old.primaryKey.name ?? 'primary key'}`,
          'careful',
          'primary key changed or removed',
          [`ALTER TABLE ${q(name)} DROP CONSTRAINT ${ident(old.primaryKey.name ?? `${old.name}_pkey`)}`],
          { hazards: ['blocks-reads'] },
        ),
      );
    if (table.primaryKey)
      ops.push(
        operation(
          PHASE.addConstraint,
          'add-constraint',
          `${name}.${table.primaryKey.name ?? 'primary key'}`,
          'careful',
          'primary key built: unique index build and NOT NULL scan under an ACCESS EXCLUSIVE lock',
          [
            `ALTER TABLE ${q(name)} ADD ${constraintName(table.primaryKey.name)}PRIMARY KEY (${idents(table.primaryKey.columns)})`,
          ],
          { hazards: ['full-table-scan', 'blocks-reads', 'may-fail-on-data'] },
        ),
      );
  }
  diffNamed(
    ops,
    name,
    old.uniques,
    table.uniques,
    (unique) => `ALTER TABLE ${q(name)} ADD CONSTRAINT ${ident(unique.name)} ${uniqueClause(unique)}`,
    'unique constraint: index built under a SHARE lock (writes wait), fails on duplicates',
    ['full-table-scan', 'blocks-writes', 'may-fail-on-data'],
  );
  diffNamed(
    ops,
    name,
    old.checks,
    table.checks,
    (check) =>
      `ALTER TABLE ${q(name)} ADD CONSTRAINT ${ident(check.name)} CHECK ${check.expression}${check.validated === false ? ' NOT VALID' : ''}`,
    'CHECK constraint: every row is checked under an ACCESS EXCLUSIVE lock (add NOT VALID, then VALIDATE, to avoid it)',
    ['full-table-scan', 'blocks-reads', 'may-fail-on-data'],
  );
  diffNamed(
    ops,
    name,
    old.exclusions ?? [],
    table.exclusions ?? [],
    (exclusion) => `ALTER TABLE ${q(name)} ADD CONSTRAINT ${ident(exclusion.name)} ${exclusion.definition}`,
    'exclusion constraint: index built under an ACCESS EXCLUSIVE lock, fails on conflicting rows',
    ['full-table-scan', 'blocks-reads', 'may-fail-on-data'],
  );
  const oldFks = byName(old.foreignKeys, (fk) => fk.name);
  const newFks = byName(table.foreignKeys, (fk) => fk.name);
  for (const [fkName, fk] of oldFks) {
    const next = newFks.get(fkName);
    if (next && same(next, fk)) continue;
    if (next && onlyValidationDiffers(fk, next) && next.validated !== false) {
      ops.push(
        operation(
          PHASE.addForeignKey,
          'add-constraint',
          `${name}.${fkName}`,
          'careful',
          'foreign key validated: existing rows are checked under a SHARE UPDATE EXCLUSIVE lock (writes continue)',
          [`ALTER TABLE ${q(name)} VALIDATE CONSTRAINT ${ident(fkName)}`],
          { hazards: ['full-table-scan', 'may-fail-on-data'] },
        ),
      );
      continue;
    }
    ops.push(
      operation(
        PHASE.dropForeignKey,
        'drop-constraint',
        `${name}.${fkName}`,
        'safe',
        next ? 'foreign key changed: dropped and added again' : 'foreign key removed',
        [`ALTER TABLE ${q(name)} DROP CONSTRAINT ${ident(fkName)}`],
      ),
    );
  }
  for (const [fkName, fk] of newFks) {
    const was = oldFks.get(fkName);
    if (was && (same(was, fk) || (onlyValidationDiffers(was, fk) && fk.validated !== false))) continue;
    const notValid = fk.validated === false;
    ops.push(
      operation(
        PHASE.addForeignKey,
        'add-constraint',
        `${name}.${fkName}`,
        notValid ? 'safe' : 'careful',
        notValid
          ? 'foreign key added NOT VALID: only new rows are checked'
          : 'foreign key: every row is checked while SHARE ROW EXCLUSIVE locks block writes on both tables (add NOT VALID, then VALIDATE, to avoid it)',
        [addForeignKey(name, fk)],
        { hazards: notValid ? [] : ['full-table-scan', 'blocks-writes', 'may-fail-on-data'] },
      ),
    );
  }
}

function onlyValidationDiffers(a: ForeignKey, b: ForeignKey): boolean {
  return same({ ...a, validated: true }, { ...b, validated: true });
}

function diffNamed<T extends { name: string }>(
  ops: PlannedOperation[],
  table: string,
  before: T[],
  after: T[],
  add: (item: T) => string,
  reason: string,
  hazards: PlannedOperation['hazards'],
): void {
  const a = byName(before, (item) => item.name);
  const b = byName(after, (item) => item.name);
  for (const [name, item] of a) {
    if (same(b.get(name), item)) continue;
    ops.push(
      operation(
        PHASE.dropConstraint,
        'drop-constraint',
        `${table}.${name}`,
        'safe',
        b.has(name) ? 'constraint changed: dropped and added again' : 'constraint removed',
        [`ALTER TABLE ${q(table)} DROP CONSTRAINT ${ident(name)}`],
      ),
    );
  }
  for (const [name, item] of b) {
    if (same(a.get(name), item)) continue;
    const notValid = (item as { validated?: boolean }).validated === false;
    ops.push(
      operation(
        PHASE.addConstraint,
        'add-constraint',
        `${table}.${name}`,
        notValid ? 'safe' : 'careful',
        notValid ? 'constraint added NOT VALID: only new rows are checked' : reason,
        [add(item)],
        {
          hazards: notValid ? [] : hazards,
        },
      ),
    );
  }
}

function planIndexes(ops: PlannedOperation[], name: string, old: Table, table: Table): void {
  const a = byName(old.indexes, (index) => index.name);
  const b = byName(table.indexes, (index) => index.name);
  for (const [indexName, index] of a) {
    if (b.has(indexName) && b.get(indexName)?.definition === index.definition) continue;
    const namespace = old.namespace ? `${old.namespace}.` : '';
    ops.push(
      operation(
        PHASE.dropIndex,
        'drop-index',
        `${name}.${indexName}`,
        'careful',
        'index removed: queries that used it get slower; DROP INDEX takes an ACCESS EXCLUSIVE lock (CONCURRENTLY avoids it)',
        [`DROP INDEX ${q(`${namespace}${indexName}`)}`],
        { hazards: ['blocks-reads'] },
      ),
    );
  }
  for (const [indexName, index] of b) {
    if (a.has(indexName) && a.get(indexName)?.definition === index.definition) continue;
    ops.push(
      operation(
        PHASE.createIndex,
        'create-index',
        `${name}.${indexName}`,
        'careful',
        'index built under a SHARE lock: writes to the table wait until it is done (CREATE INDEX CONCURRENTLY avoids it)',
        [indexSql(index, table)],
        { hazards: ['blocks-writes', 'full-table-scan', ...(index.unique ? (['may-fail-on-data'] as const) : [])] },
      ),
    );
  }
}

function indexSql(index: Index, table: Table): string {
  if (index.definition) {
    // `ON ONLY` builds an invalid parent index with no partition attached; a fresh build covers the partitions.
    return table.partitionKey ? index.definition.replace(' ON ONLY ', ' ON ') : index.definition;
  }
  const using = index.method && index.method !== 'btree' ? ` USING ${index.method}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${ident(index.name)} ON ${q(qualifiedName(table))}${using} (${index.columns.join(', ')})${index.include?.length ? ` INCLUDE (${idents(index.include)})` : ''}${index.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}${index.where ? ` WHERE ${index.where}` : ''}`;
}

// ── routines, triggers, policies ───────────────────────────────────────────────────────────────────────────

function planRoutines(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const a = byName((before.routines ?? []).filter(hasDefinition), routineSignature);
  const b = byName((after.routines ?? []).filter(hasDefinition), routineSignature);
  for (const [signature, routine] of b) {
    const old = a.get(signature);
    if (old && old.definition === routine.definition) continue;
    if (old && (old.returns !== routine.returns || old.kind !== routine.kind)) {
      // Replaced, not lost: the new definition follows.
      const { dataLoss: _replaced, ...drop } = dropRoutine(old, 'return type changed: dropped and created again');
      ops.push({ ...drop, hazards: ['dependent-objects'] });
    }
    const replaced = old && old.returns === routine.returns && old.kind === routine.kind;
    ops.push(
      operation(
        PHASE.routine,
        replaced ? 'replace-routine' : 'create-routine',
        signature,
        'safe',
        replaced ? `${routine.kind} body replaced (the earlier text is kept in the down)` : `new ${routine.kind}`,
        [routine.definition],
      ),
    );
  }
  const droppedTables = before.tables
    .map(qualifiedName)
    .filter((name) => !after.tables.some((table) => qualifiedName(table) === name));
  for (const [signature, routine] of a) {
    if (b.has(signature)) continue;
    const drop = dropRoutine(routine, `${routine.kind} removed`);
    // A routine taking or returning a dropped table's row type depends on the table: it goes first.
    if (droppedTables.some((table) => mentionsType(`${routine.arguments} ${routine.returns ?? ''}`, table)))
      drop.phase = PHASE.dropColumn;
    ops.push(drop);
  }
}

function mentionsType(signature: string, table: string): boolean {
  const name = table.split('.').pop() ?? table;
  return new RegExp(`(^|[\\s(,.])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(\\[\\])?($|[\\s),])`).test(
    signature,
  );
}

function hasDefinition(routine: Routine): boolean {
  return routine.definition !== '';
}

function dropRoutine(routine: Routine, reason: string): PlannedOperation {
  return operation(
    PHASE.dropRoutine,
    'drop-routine',
    routineSignature(routine),
    'careful',
    reason,
    [
      `DROP ${routine.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${q(qualifiedName(routine))}(${routine.arguments})`,
    ],
    {
      hazards: ['dependent-objects', 'data-loss'],
      dataLoss: `the body of ${routine.kind} ${routineSignature(routine)} (only the earlier schema or git still has it)`,
    },
  );
}

function planTriggers(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const key = (trigger: Trigger) => `${trigger.table}.${trigger.name}`;
  const a = byName(before.triggers ?? [], key);
  const b = byName(after.triggers ?? [], key);
  const droppedTables = new Set(
    before.tables.map(qualifiedName).filter((name) => !after.tables.some((t) => qualifiedName(t) === name)),
  );
  for (const [name, trigger] of a) {
    if (same(b.get(name), trigger) || droppedTables.has(trigger.table)) continue;
    ops.push(
      operation(
        PHASE.dropTrigger,
        'drop-trigger',
        name,
        'careful',
        b.has(name) ? 'trigger changed: dropped and created again' : 'trigger removed: what it did on writes stops',
        [`DROP TRIGGER ${ident(trigger.name)} ON ${q(trigger.table)}`],
      ),
    );
  }
  for (const [name, trigger] of b) {
    if (same(a.get(name), trigger)) continue;
    const sql = [trigger.definition];
    if (trigger.enabled === false) sql.push(`ALTER TABLE ${q(trigger.table)} DISABLE TRIGGER ${ident(trigger.name)}`);
    ops.push(
      operation(
        PHASE.createTrigger,
        'create-trigger',
        name,
        'careful',
        'trigger created: it runs on every matching write from now on',
        sql,
      ),
    );
  }
}

function planPolicies(ops: PlannedOperation[], before: Schema, after: Schema): void {
  const key = (policy: Policy) => `${policy.table}.${policy.name}`;
  const a = byName(before.policies ?? [], key);
  const b = byName(after.policies ?? [], key);
  const droppedTables = new Set(
    before.tables.map(qualifiedName).filter((name) => !after.tables.some((t) => qualifiedName(t) === name)),
  );
  for (const [name, policy] of a) {
    if (same(b.get(name), policy) || droppedTables.has(policy.table)) continue;
    ops.push(
      operation(
        PHASE.dropPolicy,
        'drop-policy',
        name,
        'careful',
        'policy removed or changed: which rows each role sees changes',
        [`DROP POLICY ${ident(policy.name)} ON ${q(policy.table)}`],
      ),
    );
  }
  for (const [name, policy] of b) {
    if (same(a.get(name), policy)) continue;
    ops.push(
      operation(
        PHASE.createPolicy,
        'create-policy',
        name,
        'careful',
        'policy created: which rows each role sees changes',
        [
          `CREATE POLICY ${ident(policy.name)} ON ${q(policy.table)} AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${policy.command.toUpperCase()} TO ${policy.roles.map((role) => (role === 'public' ? 'PUBLIC' : ident(role))).join(', ')}${policy.using ? ` USING (${policy.using})` : ''}${policy.withCheck ? ` WITH CHECK (${policy.withCheck})` : ''}`,
        ],
      ),
    );
  }
}

// ── SQL text ────────────────────────────────────────────────────────────────────────────────────────────────

function columnDefinition(column: Column): string {
  let text = `${ident(column.name)} ${column.rawType ?? column.type}`;
  if (column.collation) text += ` COLLATE ${ident(column.collation)}`;
  if (column.generated) text += ` GENERATED ALWAYS AS (${column.generated}) STORED`;
  else if (column.identity)
    text += ` GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${identityOptionsClause(column)}`;
  else if (column.default !== undefined) text += ` DEFAULT ${column.default}`;
  if (!column.nullable) text += ' NOT NULL';
  return text;
}

function uniqueClause(unique: { columns: string[]; nullsNotDistinct?: boolean }): string {
  return `UNIQUE${unique.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} (${idents(unique.columns)})`;
}

function addForeignKey(table: string, fk: ForeignKey): string {
  let text = `ALTER TABLE ${q(table)} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${idents(fk.columns)}) REFERENCES ${q(fk.referencedTable)} (${idents(fk.referencedColumns)})`;
  if (fk.onDelete !== 'no action') text += ` ON DELETE ${fk.onDelete.toUpperCase()}`;
  if (fk.onUpdate !== 'no action') text += ` ON UPDATE ${fk.onUpdate.toUpperCase()}`;
  if (fk.deferrable) text += ` DEFERRABLE INITIALLY ${fk.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`;
  if (fk.validated === false) text += ' NOT VALID';
  return text;
}

function commentOp(
  kind: 'TABLE' | 'COLUMN' | 'VIEW',
  name: string,
  comment: string | undefined,
  materialized = false,
): PlannedOperation {
  const objectKind = kind === 'VIEW' && materialized ? 'MATERIALIZED VIEW' : kind;
  return operation(PHASE.comment, 'comment', name, 'safe', comment === undefined ? 'comment removed' : 'comment set', [
    commentSql(objectKind, name, comment),
  ]);
}

function commentSql(kind: string, name: string, comment: string | undefined): string {
  return `COMMENT ON ${kind} ${q(name)} IS ${comment === undefined ? 'NULL' : literal(comment)}`;
}

function constraintName(name: string | undefined): string {
  return name ? `CONSTRAINT ${ident(name)} ` : '';
}

function byName<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function idents(names: string[]): string {
  return names.map(ident).join(', ');
}

/** `schema.table` or `table.column` → quoted parts. */
function q(name: string): string {
  return name.split('.').map(ident).join('.');
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
