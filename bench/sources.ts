import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { register } from 'tsx/cjs/api';
import { readMigrations } from '../src/sources/index.js';
import { median, round, timeRuns } from './stats.js';
import type { BenchResult } from './types.js';

const MIGRATIONS = 500;
const RUNS = 3;

/** A project with 500 knex TypeScript migrations (create table, alter table, raw index) and a knexfile. */
function knexProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-sources-knex-'));
  mkdirSync(path.join(root, 'migrations'));
  writeFileSync(
    path.join(root, 'knexfile.ts'),
    "export default { client: 'pg', migrations: { directory: './migrations' } };\n",
  );
  for (let index = 0; index < MIGRATIONS; index++) {
    const stamp = String(20240101000000 + index);
    writeFileSync(
      path.join(root, 'migrations', `${stamp}_table_${index}.ts`),
      `import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('table_${index}', (table) => {
    table.increments('id');
    table.string('name').notNullable();
    table.timestamps(true, true);
  });
  await knex.schema.alterTable('table_${index}', (table) => {
    table.integer('rank').defaultTo(0);
  });
  await knex.raw('create index table_${index}_rank_idx on table_${index} (rank)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('table_${index}');
}
`,
    );
  }
  return root;
}

/** The same changes as 500 golang-migrate SQL pairs. */
function sqlProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-sources-sql-'));
  mkdirSync(path.join(root, 'migrations'));
  for (let index = 0; index < MIGRATIONS; index++) {
    const base = path.join(root, 'migrations', `${index + 1}_table_${index}`);
    writeFileSync(
      `${base}.up.sql`,
      `CREATE TABLE table_${index} (id serial PRIMARY KEY, name varchar(255) NOT NULL);\nALTER TABLE table_${index} ADD COLUMN rank integer DEFAULT 0;\nCREATE INDEX table_${index}_rank_idx ON table_${index} (rank);\n`,
    );
    writeFileSync(`${base}.down.sql`, `DROP TABLE table_${index};\n`);
  }
  return root;
}

/**
 * The peer: knex's own migrator applying the same 500 TS files (loaded through tsx) to an in-memory SQLite
 * database — what `knex migrate:latest` costs on the cheapest real database.
 */
async function knexMigrateLatest(root: string): Promise<void> {
  const directory = path.join(root, 'migrations');
  const files = readdirSync(directory).sort();
  const api = register({ namespace: `bench-knex-${Math.random().toString(36).slice(2)}` });
  const instance = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    await instance.migrate.latest({
      migrationSource: {
        getMigrations: async () => files,
        getMigrationName: (file: string) => file,
        getMigration: async (file: string) => api.require(path.join(directory, file), import.meta.url) as never,
      },
    });
  } finally {
    await instance.destroy();
    api.unregister();
  }
}

export async function run(): Promise<BenchResult[]> {
  const knexRoot = knexProject();
  const sqlRoot = sqlProject();
  try {
    let statements = 0;
    const compiled = await timeRuns(
      RUNS,
      async () => {
        const result = await readMigrations(knexRoot, { executeProjectCode: true });
        if (result.errors.length > 0 || result.migrations.length !== MIGRATIONS)
          throw new Error(`bench read failed: ${JSON.stringify(result.errors[0])}`);
        statements = result.migrations.reduce((sum, migration) => sum + migration.up.length, 0);
      },
      1,
    );
    const peer = await timeRuns(RUNS, () => knexMigrateLatest(knexRoot), 1);
    const listed = await timeRuns(RUNS, () => readMigrations(knexRoot), 1);
    const sql = await timeRuns(RUNS, () => readMigrations(sqlRoot, { engine: 'postgresql' }), 1);
    return [
      {
        name: `sources: compile ${MIGRATIONS} knex TS migrations (pg, up+down, origins)`,
        unit: 'ms',
        median: round(median(compiled)),
        runs: RUNS,
        target: 5_000,
        ratio: round(median(compiled) / median(peer), 2),
        peer: 'knex 3.3 migrate.latest on in-memory SQLite (same files via tsx)',
        note: `${statements} up statements recorded; files compiled by esbuild, then run in the sandbox (a permission-model child process) against a recording knex client`,
      },
      {
        name: `sources: list ${MIGRATIONS} knex migrations without running code`,
        unit: 'ms',
        median: round(median(listed)),
        runs: RUNS,
        target: 500,
      },
      {
        name: `sources: read ${MIGRATIONS} golang-migrate pairs (libpg-query split)`,
        unit: 'ms',
        median: round(median(sql)),
        runs: RUNS,
        target: 1_000,
      },
    ];
  } finally {
    rmSync(knexRoot, { recursive: true, force: true });
    rmSync(sqlRoot, { recursive: true, force: true });
  }
}
