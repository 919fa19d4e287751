import type { Faker } from '@faker-js/faker';
import { UserError } from '../../errors.js';
import type { Column, Schema, Table } from '../../schema/model.js';
import { describeDatabaseError, type ShadowDatabase } from '../../shadow/types.js';
import { mergeRules, rulesFromChecks } from './checks.js';
import { type TypeFacts, typeFacts } from './column-kind.js';
import type { OrderedTable } from './order.js';
import { insertStatement, sequenceReset } from './sql-literal.js';
import type { SeedColumn, SeedPlan, SeedTable, SeedValue } from './types.js';
import { fitText, type RowContext, valueFor } from './values.js';

/**
 * Generates each table's rows and proves them at once: every row is inserted into the shadow inside one
 * transaction, behind a savepoint, so a row a CHECK the generator could not read rejects is regenerated (same
 * seed, same retries, same result) and a row that never fits is reported with its table, number and constraint.
 */

export interface GenerateRowsOptions {
  schema: Schema;
  ordered: OrderedTable[];
  rowsPerTable: number;
  seed: number;
  /** Key values of parent tables that already hold rows (read read-only from a database), by table. */
  existingKeys: Map<string, Record<string, SeedValue>[]>;
  shadow: ShadowDatabase;
  faker: Faker;
  signal?: AbortSignal;
}

const ATTEMPTS = 25;
const NULL_SHARE = 0.15;

export async function generateRows(options: GenerateRowsOptions): Promise<SeedPlan> {
  const { schema, shadow, faker } = options;
  const plan: SeedPlan = { engine: schema.engine, seed: options.seed, tables: [], after: [], notes: [] };
  const seeded = new Map<string, SeedTable>();
  const referenced = referencedColumns(options.ordered.map((entry) => entry.table));
  await shadow.begin();
  try {
    for (const [tableIndex, { table, reason }] of options.ordered.entries()) {
      faker.seed([options.seed, tableIndex + 1]);
      const seedTable = prepareTable(table, reason, schema, referenced.get(table.name) ?? new Set());
      const rules = rulesOf(table, schema);
      const uniques = uniqueGroups(table, seedTable);
      const parents = parentRows(table, seeded, options.existingKeys, seedTable.rows, uniques);
      for (let index = 0; index < options.rowsPerTable; index++) {
        options.signal?.throwIfAborted();
        const row = await insertOneRow({ table, seedTable, rules, uniques, parents, index, faker, shadow, schema });
        if (!row) {
          plan.notes.push(
            `${table.name}: ${index} row(s) only — its unique keys and foreign keys allow no more distinct rows.`,
          );
          break;
        }
        seedTable.rows.push(row);
      }
      for (const column of seedTable.explicitIds)
        if (shadow.engine === 'postgresql') plan.after.push(sequenceReset(table.name, column));
      seeded.set(table.name, seedTable);
      plan.tables.push(seedTable);
    }
    for (const statement of plan.after) await shadow.exec(statement);
    await shadow.commit();
  } catch (error) {
    await shadow.rollback().catch(() => undefined);
    throw error;
  }
  return plan;
}

interface RowJob {
  table: Table;
  seedTable: SeedTable;
  rules: Map<string, TypeFacts>;
  uniques: UniqueGroup[];
  parents: ParentChoice[];
  index: number;
  faker: Faker;
  shadow: ShadowDatabase;
  schema: Schema;
}

async function insertOneRow(job: RowJob): Promise<Record<string, SeedValue> | undefined> {
  let lastError = '';
  let collisions = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const row = buildRow(job, attempt);
    if (job.uniques.some((group) => group.seen.has(keyOf(group, row)))) {
      collisions++;
      continue;
    }
    await job.shadow.exec('SAVEPOINT dma_seed_row');
    try {
      await job.shadow.exec(insertStatement(job.seedTable, [row], job.shadow.engine));
      await job.shadow.exec('RELEASE SAVEPOINT dma_seed_row');
      for (const group of job.uniques) group.seen.add(keyOf(group, row));
      return row;
    } catch (error) {
      await job.shadow.exec('ROLLBACK TO SAVEPOINT dma_seed_row');
      const info = describeDatabaseError(error);
      const constraint = (error as { constraint?: string }).constraint;
      lastError = `${constraint ? `constraint ${constraint}: ` : ''}${info.message}${info.detail ? ` (${info.detail})` : ''}`;
    }
  }
  if (collisions === ATTEMPTS) return undefined;
  throw new UserError(
    'seed-row-rejected',
    `Row ${job.index + 1} of ${job.table.name} was rejected by the ${job.shadow.engine} shadow after ${ATTEMPTS} attempts: ${lastError}`,
    'Name fewer rows, or relax the constraint: the generator reads CHECKs of the forms IN (…), BETWEEN, comparisons with a constant and length(col) bounds.',
  );
}

function buildRow(job: RowJob, attempt: number): Record<string, SeedValue> {
  const { faker, seedTable } = job;
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  const moments = rowMoments(faker);
  const context: RowContext = {
    table: job.table.name,
    person: { first, last },
    moment: (rank) => moments[rank] ?? moments[2] ?? new Date(0),
  };
  const row: Record<string, SeedValue> = {};
  const fromParents = new Set<string>();
  for (const parent of job.parents) {
    const source = parent.rows;
    if (source.length === 0 || (parent.nullable && faker.number.float() < NULL_SHARE / 2)) {
      for (const column of parent.columns) row[column] = null;
    } else {
      const picked = parent.oneToOne
        ? (source[(job.index + attempt) % source.length] as Record<string, SeedValue>)
        : faker.helpers.arrayElement(source);
      parent.columns.forEach((column, position) => {
        row[column] = picked[parent.referencedColumns[position] ?? ''] ?? null;
      });
    }
    for (const column of parent.columns) fromParents.add(column);
  }
  for (const column of seedTable.columns) {
    if (fromParents.has(column.name)) continue;
    if (seedTable.explicitIds.includes(column.name)) {
      row[column.name] = job.index + 1;
      continue;
    }
    const schemaColumn = job.table.columns.find((candidate) => candidate.name === column.name) as Column;
    const facts = job.rules.get(column.name) as TypeFacts;
    const unique = job.uniques.some((group) => group.columns.includes(column.name));
    if (schemaColumn.nullable && !unique && faker.number.float() < NULL_SHARE) {
      row[column.name] = null;
      continue;
    }
    let value = valueFor(column.name, facts, faker, context);
    if (unique && attempt > 2 && typeof value === 'string' && facts.kind === 'text' && !facts.rules.allowed)
      value = fitText(
        `${value.slice(0, Math.max(0, (facts.rules.maxLength ?? 255) - 6))}-${job.index + 1}`,
        facts.rules,
        faker,
      );
    row[column.name] = value;
  }
  return row;
}

function rowMoments(faker: Faker): Date[] {
  const start = faker.date.between({ from: '2023-01-01T00:00:00Z', to: '2025-06-30T00:00:00Z' }).getTime();
  const moments = [new Date(start)];
  for (let rank = 1; rank <= 4; rank++)
    moments.push(
      new Date((moments[rank - 1] as Date).getTime() + faker.number.int({ min: 0, max: 20 * 86_400 }) * 1000),
    );
  return moments;
}

/** The columns a table's rows set: generated columns and database-filled ones (unless children need the id) stay out. */
function prepareTable(table: Table, reason: SeedTable['reason'], schema: Schema, referenced: Set<string>): SeedTable {
  const columns: SeedColumn[] = [];
  const explicitIds: string[] = [];
  let overriding = false;
  for (const column of table.columns) {
    if (column.generated) continue;
    const facts = typeFacts(column, schema);
    const auto = column.autoIncrement === true || /^nextval\(/i.test(column.default ?? '');
    if (auto) {
      if (!referenced.has(column.name)) continue;
      explicitIds.push(column.name);
      if (column.identity === 'always') overriding = true;
    } else if (facts.kind === 'unsupported') {
      if (column.nullable || column.default !== undefined) continue;
      throw new UserError(
        'seed-type-unsupported',
        `${table.name}.${column.name} is NOT NULL without a default and of type ${column.type}, which the seed generator cannot fill.`,
        'Give the column a default, make it nullable, or seed this table by hand.',
      );
    }
    columns.push({ name: column.name, type: column.type, kind: facts.kind === 'unsupported' ? 'integer' : facts.kind });
  }
  return { name: qualified(table), columns, rows: [], reason, explicitIds, overridingSystemValue: overriding };
}

function qualified(table: Table): string {
  return table.namespace ? `${table.namespace}.${table.name}` : table.name;
}

function rulesOf(table: Table, schema: Schema): Map<string, TypeFacts> {
  const fromChecks = rulesFromChecks(table.checks);
  const facts = new Map<string, TypeFacts>();
  for (const column of table.columns) {
    const base = typeFacts(column, schema);
    const checked = fromChecks.get(column.name.toLowerCase());
    const merged = checked ? { ...base, rules: mergeRules(base.rules, checked) } : base;
    facts.set(column.name, merged.rules.json ? { ...merged, kind: 'json' } : merged);
  }
  return facts;
}

/** Columns of each table other seeded tables point at: their ids must be known, so they are set explicitly. */
function referencedColumns(tables: Table[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const table of tables)
    for (const key of table.foreignKeys) {
      const set = map.get(key.referencedTable) ?? new Set<string>();
      for (const column of key.referencedColumns) set.add(column);
      map.set(key.referencedTable, set);
    }
  return map;
}

interface UniqueGroup {
  columns: string[];
  seen: Set<string>;
}

function uniqueGroups(table: Table, seedTable: SeedTable): UniqueGroup[] {
  const set = new Set(seedTable.columns.map((column) => column.name));
  const groups = [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((unique) => unique.columns),
    ...table.indexes.filter((index) => index.unique && !index.where).map((index) => index.columns),
  ];
  return groups
    .filter((columns) => columns.length > 0 && columns.every((column) => set.has(column)))
    .map((columns) => ({ columns, seen: new Set<string>() }));
}

function keyOf(group: UniqueGroup, row: Record<string, SeedValue>): string {
  return JSON.stringify(group.columns.map((column) => row[column] ?? null));
}

interface ParentChoice {
  columns: string[];
  referencedColumns: string[];
  nullable: boolean;
  /** Rows to point at; for a self-reference the table's own earlier rows (the array grows as rows are proven). */
  rows: Record<string, SeedValue>[];
  /** A unique key covers the foreign key: each parent row is taken once, in order, not drawn at random. */
  oneToOne: boolean;
}

function parentRows(
  table: Table,
  seeded: Map<string, SeedTable>,
  existing: Map<string, Record<string, SeedValue>[]>,
  ownRows: Record<string, SeedValue>[],
  uniques: UniqueGroup[],
): ParentChoice[] {
  return table.foreignKeys.map((key) => {
    const nullable = key.columns.every((name) => table.columns.find((column) => column.name === name)?.nullable);
    const self = key.referencedTable === table.name;
    const rows = self ? ownRows : (seeded.get(key.referencedTable)?.rows ?? existing.get(key.referencedTable) ?? []);
    if ((self || rows.length === 0) && !nullable)
      throw new UserError(
        'seed-parent-empty',
        `${table.name}.${key.columns.join(', ')} must reference ${self ? 'another row of the same table' : key.referencedTable}, ${self ? 'which the first row cannot do' : 'which has no rows to point at'}.`,
        self
          ? 'Make the self-reference nullable, or seed this table by hand.'
          : `Seed ${key.referencedTable} too, or pass a database (database: db:<url>) that holds its rows.`,
      );
    const oneToOne = uniques.some((group) => group.columns.every((column) => key.columns.includes(column)));
    return { columns: key.columns, referencedColumns: key.referencedColumns, nullable, rows, oneToOne };
  });
}
