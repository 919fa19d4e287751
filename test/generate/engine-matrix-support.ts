import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { type GenerateResult, generateMigration } from '../../src/generate/generate.js';
import type { Migration } from '../../src/model.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Schema } from '../../src/schema/model.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import type { ShadowDatabase } from '../../src/shadow/types.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL } from '../helpers/databases.js';
import type { MatrixEngine } from './engine-matrix-projects.js';
import { applyMigration } from './sql-writers-helpers.js';

/**
 * The engine matrix's common steps: the change lists, a project under the worktree (code migrations resolve this
 * repository's node_modules), the two generate_migration calls, the read-back, the intended schema, and the
 * databases (one MariaDB database per test file, emptied between cases; SQLite in memory per case).
 */

export const PARENT = 'matrix_parents';
export const NOTE = 'matrix_note';
export const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

export const PARENT_CHANGES: Change[] = [
  {
    op: 'create_table',
    table: PARENT,
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: NOTE, type: 'varchar(100)' },
      { name: 'label', type: 'varchar(50)' },
    ],
  },
];

/**
 * Several drafts on either engine: the new table, the index, the NOT NULL (default, backfill, contract), the
 * phased rename (expand, backfill, contract: its drop confirmed).
 */
export const MATRIX_CHANGES: Change[] = [
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
  { op: 'rename_column', table: PARENT, from: 'label', to: 'title' },
];

export const engineLabel = (engine: MatrixEngine) => (engine === 'mysql' ? 'MariaDB' : 'SQLite');

const roots: string[] = [];

/** A project holding `files`, under the worktree's .test-tmp; removeProjects deletes them all. */
export function projectOf(files: Record<string, string>): string {
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

export function removeProjects(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Empties the MariaDB database between cases: its tables and the backfill procedures. */
export async function emptied(db: MysqlShadow): Promise<MysqlShadow> {
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

/** The file's databases: `open()` once (beforeAll), `close()` once (afterAll). */
export function engineDatabases() {
  let mariadb: MysqlShadow | undefined;
  return {
    async open(mysqlAvailable: boolean) {
      if (mysqlAvailable) mariadb = await MysqlShadow.open({ url: MYSQL_URL });
    },
    /** The MariaDB database (emptied) or a new in-memory SQLite. */
    async database(engine: MatrixEngine): Promise<ShadowDatabase> {
      if (engine === 'sqlite') return SqliteShadow.open();
      if (!mariadb) throw new Error('MariaDB is not available');
      return emptied(mariadb);
    },
    async release(db: ShadowDatabase) {
      if (db.engine === 'sqlite') await db.close();
    },
    /** The MariaDB database's URL, for a tool that connects itself. */
    mysqlUrl(): string {
      if (!mariadb) throw new Error('MariaDB is not available');
      const url = new URL(MYSQL_URL);
      url.pathname = `/${mariadb.database}`;
      return url.toString();
    },
    async close() {
      await mariadb?.close();
    },
  };
}

export type EngineDatabases = ReturnType<typeof engineDatabases>;

export async function applyAll(db: ShadowDatabase, migrations: Migration[], direction: 'up' | 'down') {
  const ordered = direction === 'up' ? migrations : [...migrations].reverse();
  for (const migration of ordered) {
    try {
      await applyMigration(db, migration, direction);
    } catch (error) {
      throw new Error(`${direction} of ${migration.path}: ${(error as Error).message}`);
    }
  }
}

/**
 * What differs between two schemas. SQLite keeps an index's CREATE text as written, so the quoting of its names
 * (Alembic's op.create_index writes them bare, the drafts quote them) is not a difference.
 */
export const difference = (expected: Schema, actual: Schema) =>
  renderSchemaChanges(compareSchemas(unquotedIndexes(expected), unquotedIndexes(actual)));

function unquotedIndexes(schema: Schema): Schema {
  if (schema.engine !== 'sqlite') return schema;
  return {
    ...schema,
    tables: schema.tables.map((table) => ({
      ...table,
      indexes: table.indexes.map((index) =>
        index.definition ? { ...index, definition: index.definition.replace(/"((?:[^"]|"")*)"/g, '$1') } : index,
      ),
    })),
  };
}

function generateOptions(root: string, engine: MatrixEngine, executeProjectCode: boolean) {
  return {
    root,
    engine,
    ...(engine === 'mysql' ? { shadowUrl: MYSQL_URL, serverVersion: 'mariadb 10.11' } : {}),
    rowsPerTable: 5,
    executeProjectCode,
  };
}

/** The first generate_migration call: the parent table the matrix changes build on. */
export async function generateParent(root: string, engine: MatrixEngine, code: boolean): Promise<GenerateResult> {
  const first = await generateMigration({ ...generateOptions(root, engine, code), changes: PARENT_CHANGES, now: NOW });
  expect(first.written, `${first.notWrittenBecause} ${JSON.stringify(first.rehearsal)}`).toBe(true);
  return first;
}

/** The second call: the matrix changes, rehearsed and written. */
export async function generateMatrix(root: string, engine: MatrixEngine, code: boolean): Promise<GenerateResult> {
  const result = await generateMigration({
    ...generateOptions(root, engine, code),
    confirmDestructive: true,
    changes: MATRIX_CHANGES,
    now: new Date(NOW.getTime() + 60_000),
  });
  expect(
    result.rehearsal.map((item) => [item.draft, item.outcome, item.outcome === 'passed' ? '' : item.reason]),
  ).toEqual(result.drafts.map((draft) => [draft.name, 'passed', '']));
  expect(result.written, result.notWrittenBecause).toBe(true);
  expect(result.drafts.length).toBeGreaterThanOrEqual(3);
  return result;
}

/** The migrations our reader reads: the project's own (with the parent table) and the matrix call's, last. */
export async function readBack(root: string, engine: MatrixEngine, result: GenerateResult, code: boolean) {
  const read = await readMigrations(root, { engine, executeProjectCode: code });
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
export async function intendedSchema(
  databases: EngineDatabases,
  engine: MatrixEngine,
  older: Migration[],
  result: GenerateResult,
): Promise<Schema> {
  const db = await databases.database(engine);
  try {
    await applyAll(db, older, 'up');
    for (const draft of result.drafts) for (const sql of draft.up) await db.exec(sql);
    return await db.introspect();
  } finally {
    await databases.release(db);
  }
}
