import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { type GenerateResult, generateMigration } from '../../src/generate/generate.js';
import type { Migration } from '../../src/model.js';
import type { ToolName } from '../../src/project/types.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Schema } from '../../src/schema/model.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import type { ShadowDatabase } from '../../src/shadow/types.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';
import { type MatrixEngine, projectFiles } from './engine-matrix-projects.js';
import { applyMigration } from './sql-writers-helpers.js';

/**
 * The generate matrix on MariaDB and SQLite: for every format whose tool runs on the engine, one change list that
 * the planner splits into several drafts there (a new table with a foreign key to an existing table, an index on
 * that table, a NOT NULL on an existing column, filled from a default in a backfill of its own), generated into a
 * tiny project of the format. The new migrations are read back by our reader and run with the tool's semantics:
 * up gives the schema the drafts' own SQL gives, down gives back the schema before them, up again the same schema.
 */

const mysql = await mysqlAvailable();

const PARENT = 'matrix_parents';
const NOTE = 'matrix_note';
const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

const PARENT_CHANGES: Change[] = [
  {
    op: 'create_table',
    table: PARENT,
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: NOTE, type: 'varchar(100)' },
    ],
  },
];

const MATRIX_CHANGES: Change[] = [
  {
    op: 'create_table',
    table: 'matrix_notes',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'parent_id', type: 'integer', nullable: false, references: { table: PARENT } },
    ],
  },
  { op: 'add_index', table: PARENT, columns: [NOTE], name: 'matrix_note_idx' },
  { op: 'alter_column', table: PARENT, column: NOTE, nullable: false, default: `''` },
];

interface EngineCase {
  tool: ToolName;
  engines: MatrixEngine[];
  /** The tool keeps no down file (Drizzle): the down in the generate result is what rolls back. */
  downInResult?: boolean;
  /** The reader cannot tell a migration that runs outside a transaction (Kysely's migrator decides per run). */
  transactionUnknown?: boolean;
}

const SQL_FORMATS: EngineCase[] = [
  { tool: 'golang-migrate', engines: ['mysql', 'sqlite'] },
  { tool: 'goose', engines: ['mysql', 'sqlite'] },
  { tool: 'dbmate', engines: ['mysql', 'sqlite'] },
  { tool: 'sql-migrate', engines: ['mysql', 'sqlite'] },
  { tool: 'flyway', engines: ['mysql', 'sqlite'] },
  { tool: 'diesel', engines: ['mysql', 'sqlite'] },
  { tool: 'sqitch', engines: ['mysql', 'sqlite'] },
  { tool: 'liquibase', engines: ['mysql', 'sqlite'] },
  { tool: 'multi-dialect-sql', engines: ['mysql', 'sqlite'] },
  { tool: 'atlas', engines: ['mysql', 'sqlite'], downInResult: true },
  { tool: 'prisma', engines: ['mysql', 'sqlite'] },
  { tool: 'drizzle', engines: ['mysql', 'sqlite'], downInResult: true },
];

/** Code migrations, read by running them (executeProjectCode) as generate_migration reads them. */
const CODE_FORMATS: EngineCase[] = [
  { tool: 'knex', engines: ['mysql', 'sqlite'] },
  { tool: 'kysely', engines: ['mysql', 'sqlite'], transactionUnknown: true },
  { tool: 'typeorm', engines: ['mysql', 'sqlite'] },
  // Not on SQLite: Sequelize's sqlite dialect needs the sqlite3 package, which is not installed.
  { tool: 'sequelize', engines: ['mysql'] },
  { tool: 'mikro-orm', engines: ['mysql', 'sqlite'] },
  { tool: 'db-migrate', engines: ['mysql', 'sqlite'] },
];

function projectOf(files: Record<string, string>): string {
  const base = path.resolve('.test-tmp');
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(path.join(base, 'matrix-engines-'));
  roots.push(root);
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
  return root;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** One MariaDB database for the whole file (emptied between cases), a fresh in-memory SQLite per case. */
let mariadb: MysqlShadow | undefined;
beforeAll(async () => {
  if (mysql.available) mariadb = await MysqlShadow.open({ url: MYSQL_URL });
});
afterAll(async () => {
  await mariadb?.close();
});

async function emptied(db: MysqlShadow): Promise<MysqlShadow> {
  const tables = await db.query<{ name: string }>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
  );
  const routines = await db.query<{ name: string }>(
    "SELECT routine_name AS name FROM information_schema.routines WHERE routine_schema = DATABASE() AND routine_type = 'PROCEDURE'",
  );
  await db.exec('SET FOREIGN_KEY_CHECKS = 0');
  for (const { name } of tables) await db.exec(`DROP TABLE \`${name}\``);
  for (const { name } of routines) await db.exec(`DROP PROCEDURE \`${name}\``);
  await db.exec('SET FOREIGN_KEY_CHECKS = 1');
  return db;
}

async function database(engine: MatrixEngine): Promise<ShadowDatabase> {
  if (engine === 'sqlite') return SqliteShadow.open();
  return emptied(mariadb!);
}

async function release(db: ShadowDatabase): Promise<void> {
  if (db.engine === 'sqlite') await db.close();
}

async function applyAll(db: ShadowDatabase, migrations: Migration[], direction: 'up' | 'down') {
  const ordered = direction === 'up' ? migrations : [...migrations].reverse();
  for (const migration of ordered) {
    try {
      await applyMigration(db, migration, direction);
    } catch (error) {
      throw new Error(`${direction} of ${migration.path}: ${(error as Error).message}`);
    }
  }
}

const same = (expected: Schema, actual: Schema) => renderSchemaChanges(compareSchemas(expected, actual));

/** The project after two generate_migration calls: the parent table, then the matrix changes on it. */
async function generated(root: string, engine: MatrixEngine, executeProjectCode: boolean): Promise<GenerateResult> {
  const common = {
    root,
    engine,
    ...(engine === 'mysql' ? { shadowUrl: MYSQL_URL, serverVersion: 'mariadb 10.11' } : {}),
    rowsPerTable: 5,
    executeProjectCode,
  };
  const first = await generateMigration({ ...common, changes: PARENT_CHANGES, now: NOW });
  expect(first.written, `${first.notWrittenBecause} ${JSON.stringify(first.rehearsal)}`).toBe(true);
  const result = await generateMigration({
    ...common,
    changes: MATRIX_CHANGES,
    now: new Date(NOW.getTime() + 60_000),
  });
  expect(
    result.rehearsal.map((item) => [item.draft, item.outcome, item.outcome === 'passed' ? '' : item.reason]),
  ).toEqual(result.drafts.map((draft) => [draft.name, 'passed', '']));
  expect(result.written, result.notWrittenBecause).toBe(true);
  return result;
}

/** The migrations our reader reads, split into the project's own (with the parent table) and the matrix call's. */
async function readBack(root: string, engine: MatrixEngine, result: GenerateResult, executeProjectCode: boolean) {
  const read = await readMigrations(root, { engine, executeProjectCode });
  expect(read.errors).toEqual([]);
  const own = new Set(result.files.filter((file) => !file.edit).map((file) => file.path));
  const isNew = (migration: Migration) => own.has(migration.path);
  const older = read.migrations.filter((migration) => !isNew(migration));
  const tail = read.migrations.filter(isNew);
  expect(tail.length).toBeGreaterThanOrEqual(result.drafts.length);
  expect(read.migrations.slice(-tail.length)).toEqual(tail);
  return { older, tail };
}

/** The schema the drafts mean: the history, then each draft's own SQL, on a database of the engine. */
async function intendedSchema(engine: MatrixEngine, older: Migration[], result: GenerateResult): Promise<Schema> {
  const db = await database(engine);
  try {
    await applyAll(db, older, 'up');
    for (const draft of result.drafts) for (const sql of draft.up) await db.exec(sql);
    return await db.introspect();
  } finally {
    await release(db);
  }
}

const engineLabel = (engine: MatrixEngine) => (engine === 'mysql' ? 'MariaDB' : 'SQLite');

for (const engine of ['mysql', 'sqlite'] as const) {
  describe(`generate_migration on ${engineLabel(engine)}: every SQL format, read back and run as its tool runs it`, () => {
    const cases = [...SQL_FORMATS, ...CODE_FORMATS].filter((item) => item.engines.includes(engine));
    for (const { tool, downInResult, transactionUnknown } of cases) {
      it.skipIf(engine === 'mysql' && !mysql.available)(tool, { timeout: 120_000 }, async () => {
        const code = CODE_FORMATS.some((item) => item.tool === tool);
        const root = projectOf(projectFiles(tool, engine));
        const result = await generated(root, engine, code);
        expect(result.format).toBe(tool);
        expect(result.drafts.length).toBeGreaterThanOrEqual(3);
        const { older, tail } = await readBack(root, engine, result, code);
        if (transactionUnknown)
          tail.forEach((migration, index) => {
            migration.transactional = result.drafts[index]!.transactional;
          });
        const intended = await intendedSchema(engine, older, result);
        if (downInResult) {
          expect(tail.length).toBe(result.drafts.length);
          tail.forEach((migration, index) => {
            migration.down = result.drafts[index]!.down.map((sql) => ({ ...migration.up[0]!, sql }));
          });
        }

        const db = await database(engine);
        try {
          await applyAll(db, older, 'up');
          const before = await db.introspect();
          await applyAll(db, tail, 'up');
          const applied = await db.introspect();
          expect(same(intended, applied)).toBe('no difference');
          const note = applied.tables.find((t) => t.name === PARENT)?.columns.find((c) => c.name === NOTE);
          expect(note?.nullable).toBe(false);
          await applyAll(db, tail, 'down');
          expect(same(before, await db.introspect())).toBe('no difference');
          await applyAll(db, tail, 'up');
          expect(same(applied, await db.introspect())).toBe('no difference');
        } finally {
          await release(db);
        }
      });
    }
  });
}
