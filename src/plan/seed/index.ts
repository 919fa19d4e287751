import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Faker } from '@faker-js/faker';
import { UserError } from '../../errors.js';
import type { GeneratedFile } from '../../generate/types.js';
import type { Engine } from '../../model.js';
import { resolveInsideRoot, resolveProjectRoot } from '../../root.js';
import { diffSources } from '../../schema/diff-sources.js';
import { parseSchemaSource } from '../../schema/sources.js';
import type { ProjectCodeConsent } from '../../sources/types.js';
import { copyIntoShadow, type ExistingRows, readExistingParents } from './existing-parents.js';
import { findTable, insertOrder } from './order.js';
import { seedSetup } from './project.js';
import { generateRows } from './rows.js';
import { openSchemaShadow } from './schema-shadow.js';
import type { SeedPlan } from './types.js';
import { writeKnexSeed } from './writers/knex.js';
import { writePrismaSeed } from './writers/prisma.js';
import { writeDrizzleSeed, writeTypeormSeed } from './writers/scripts.js';
import { writeSequelizeSeed } from './writers/sequelize.js';
import { writeSqlSeed } from './writers/sql.js';
import type { SeedFormat, SeedWriter } from './writers/types.js';

/**
 * generate_seed's engine: realistic rows for the new tables (or the named ones), generated deterministically from a
 * seed value, proven by inserting every row into a shadow holding the schema, and written in the project's seed
 * format. Files are returned; they are written only when asked, never over an existing file, inside the root.
 */

export const DEFAULT_ROWS = 10;
export const MAX_ROWS = 1_000;
export const DEFAULT_SEED = 1;

export interface SeedRequest {
  root: string;
  /** Tables to seed; default: the tables new between `from` and `to` (diff_schema's sources and defaults). */
  tables?: string[];
  from?: string;
  to?: string;
  /** Schema file for the diff's defaults. */
  file?: string;
  /** Where the tables are defined; default `to` when given, else the project's migrations replayed. */
  schema?: string;
  /**
   * A database (db:<url>, read-only) whose existing rows of referenced tables the seed points at instead of seeding
   * those tables; default the schema source when it is a database.
   */
  database?: string;
  engine?: Engine;
  rows?: number;
  seed?: number;
  format?: SeedFormat;
  /** File name of the seed (snake_case); default seed_<first table>. */
  name?: string;
  shadowUrl?: string;
  /** The schema comes from code migrations (knex, TypeORM …): replaying them runs them in the sandbox, only with consent. */
  executeProjectCode?: ProjectCodeConsent;
  write?: boolean;
  now?: Date;
  signal?: AbortSignal;
}

export interface SeedResult {
  format: SeedFormat;
  engine: string;
  seed: number;
  schema: string;
  tables: { name: string; rows: number; reason: 'requested' | 'parent'; columns: string[]; explicitIds: string[] }[];
  /** Rows inserted into the shadow in one transaction. */
  provenRows: number;
  shadow: string;
  files: GeneratedFile[];
  written: boolean;
  run: string;
  hints: string[];
  notes: string[];
  /** The generated rows, for callers that need the data itself (capped by the tool). */
  plan: SeedPlan;
}

const WRITERS: Record<SeedFormat, SeedWriter> = {
  knex: writeKnexSeed,
  prisma: writePrismaSeed,
  sequelize: writeSequelizeSeed,
  typeorm: writeTypeormSeed,
  drizzle: writeDrizzleSeed,
  sql: writeSqlSeed,
};

export async function generateSeed(request: SeedRequest): Promise<SeedResult> {
  const root = resolveProjectRoot(request.root);
  const rowsPerTable = request.rows ?? DEFAULT_ROWS;
  if (!Number.isInteger(rowsPerTable) || rowsPerTable < 1 || rowsPerTable > MAX_ROWS)
    throw new UserError(
      'seed-rows',
      `rows must be a whole number from 1 to ${MAX_ROWS}, got ${rowsPerTable}.`,
      'Example: rows 10',
    );
  const seed = request.seed ?? DEFAULT_SEED;
  const common = {
    ...(request.engine ? { engine: request.engine } : {}),
    ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  };
  const tables = request.tables?.length ? request.tables : await newTables(root, request, common);
  const schemaSource = request.schema ?? request.to ?? 'migrations';
  const setup = seedSetup(root, request.format);
  const loaded = await openSchemaShadow(parseSchemaSource(schemaSource), {
    root,
    ...common,
    ...(request.executeProjectCode ? { executeProjectCode: request.executeProjectCode } : {}),
  });
  const { shadow } = loaded;
  let plan: SeedPlan;
  let existing: ExistingRows = new Map();
  try {
    const databaseUrl = databaseOf(request.database ?? (schemaSource.startsWith('db:') ? schemaSource : undefined));
    existing = databaseUrl
      ? await readExistingParents(
          databaseUrl,
          root,
          loaded.schema,
          tables.map((table) => findTable(loaded.schema, table)),
        )
      : new Map();
    await copyIntoShadow(shadow, loaded.schema, existing);
    const ordered = insertOrder(loaded.schema, tables, new Set(existing.keys()));
    plan = await generateRows({
      schema: loaded.schema,
      ordered,
      rowsPerTable,
      seed,
      existingKeys: existing,
      shadow,
      faker: await newFaker(),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } finally {
    await shadow.close();
  }
  for (const [table, rows] of existing)
    plan.notes.push(
      `Points at ${rows.length} existing row(s) of ${table} read (read-only) from the database; not seeded.`,
    );
  const parents = plan.tables.filter((table) => table.reason === 'parent').map((table) => table.name);
  if (parents.length > 0)
    plan.notes.push(
      `Also seeded ${parents.join(', ')}: the requested tables reference them. If they already hold rows, check that the explicit ids do not collide.`,
    );
  const name =
    request.name ??
    `seed_${(plan.tables.find((table) => table.reason === 'requested')?.name ?? 'data').replace(/\W+/g, '_')}`;
  if (!/^[a-z0-9_]+$/i.test(name))
    throw new UserError(
      'seed-name',
      `Seed name "${name}" may use only letters, digits and _.`,
      'Example: name seed_orders',
    );
  const output = WRITERS[setup.format](plan, {
    root,
    name,
    now: request.now ?? new Date(),
    moduleStyle: setup.moduleStyle,
    ...(setup.seedDir ? { seedDir: setup.seedDir } : {}),
    files: setup.files.files,
    read: (relative) => setup.files.read(relative),
  });
  if (request.write) await writeFiles(root, output.files);
  return {
    format: setup.format,
    engine: plan.engine,
    seed,
    schema: loaded.label,
    tables: plan.tables.map((table) => ({
      name: table.name,
      rows: table.rows.length,
      reason: table.reason,
      columns: table.columns.map((column) => column.name),
      explicitIds: table.explicitIds,
    })),
    provenRows: plan.tables.reduce((sum, table) => sum + table.rows.length, 0),
    shadow: shadow.description,
    files: output.files,
    written: request.write === true,
    run: output.run,
    hints: output.hints,
    notes: plan.notes,
    plan,
  };
}

function databaseOf(source: string | undefined): string | undefined {
  if (!source) return undefined;
  const parsed = parseSchemaSource(source);
  if (parsed.kind !== 'database')
    throw new UserError(
      'seed-database',
      `database must be a database URL (db:<url>), got "${source}".`,
      'Example: database db:postgres://ro@localhost/app',
    );
  return parsed.url;
}

/** The tables a diff creates: what a new migration brings that has no rows yet. */
async function newTables(
  root: string,
  request: SeedRequest,
  common: { engine?: Engine; shadowUrl?: string; signal?: AbortSignal },
): Promise<string[]> {
  const result = await diffSources({
    root,
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
    ...(request.file ? { file: request.file } : {}),
    ...common,
  }).catch((error: unknown) => {
    if (error instanceof UserError && error.code === 'schema-file-not-found')
      throw new UserError(
        'seed-tables-unknown',
        `No tables were named and the new ones cannot be found: ${error.what}`,
        'Name the tables to seed (tables / --table), or pass from and to around the change that adds them.',
        error.where,
      );
    throw error;
  });
  const created = result.diff.operations.filter((op) => op.kind === 'create-table').map((op) => op.object);
  if (created.length === 0)
    throw new UserError(
      'seed-no-new-tables',
      `${result.from} → ${result.to} creates no table, so there is nothing new to seed.`,
      'Name the tables to seed (tables / --table), or pass from and to around the change that adds them.',
    );
  return created;
}

async function newFaker(): Promise<Faker> {
  const { faker } = await import('@faker-js/faker/locale/en');
  const FakerClass = faker.constructor as new (options: { locale: unknown }) => Faker;
  return new FakerClass({ locale: faker.rawDefinitions });
}

async function writeFiles(root: string, files: GeneratedFile[]): Promise<void> {
  for (const file of files) {
    const absolute = resolveInsideRoot(root, file.path);
    if (existsSync(absolute))
      throw new UserError(
        'seed-file-exists',
        `${file.path} already exists; a seed never overwrites a file.`,
        'Choose another name (name / --name), or move the existing file.',
        { file: file.path },
      );
  }
  for (const file of files) {
    const absolute = resolveInsideRoot(root, file.path);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, file.text, { flag: 'wx' });
  }
}
