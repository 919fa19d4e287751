import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import type { Migration } from '../../src/model.js';
import type { ToolName } from '../../src/project/types.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { toolPython as findToolPython } from '../helpers/tool-python.js';
import { applyMigration, removeTemporaryProjects, temporaryProject } from './sql-writers-helpers.js';

/**
 * The project to generate into: a copy of a fixture or the given files. Code migrations run from under the worktree
 * (.test-tmp), so they resolve this repository's node_modules like an installed project.
 */
async function projectOf(fixture: string | Record<string, string>, code: boolean): Promise<string> {
  const base = path.resolve('.test-tmp');
  if (code) mkdirSync(base, { recursive: true });
  const root = code ? mkdtempSync(path.join(base, 'matrix-')) : await temporaryProject('matrix');
  if (code) codeRoots.push(root);
  if (typeof fixture === 'string')
    cpSync(path.join(import.meta.dirname, '..', 'fixtures', fixture), root, { recursive: true });
  else
    for (const [relative, text] of Object.entries(fixture)) {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    }
  return root;
}

const codeRoots: string[] = [];
afterAll(() => {
  for (const root of codeRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * generate_migration end to end over every format writer: one change list that the planner splits into several
 * drafts (a new table with a foreign key to an existing table, a CONCURRENTLY index on an existing table, a phased
 * NOT NULL on an existing column), generated into a copy of a fixture project of each format. Each draft must get
 * its own new file(s), numbered after the project's newest migration and after each other (several drafts written
 * in one call must not collide), our reader must read them back in that order with the draft's transaction flag,
 * and the whole history must apply on the PostgreSQL server, roll the new migrations back, and apply again.
 */

afterAll(removeTemporaryProjects);

const postgres = await postgresAvailable();
if (!postgres.available) console.warn(`SKIP generate matrix: ${postgres.reason}`);

interface FormatCase {
  tool: ToolName;
  /** A fixture project under test/fixtures, or the files of a tiny project made for this test. */
  fixture: string | Record<string, string>;
  /** Code migrations: replayed by running them (executeProjectCode) to read their SQL. */
  code?: boolean;
  /** The tool runs every pending migration in one transaction (drizzle-orm's migrator): no CONCURRENTLY, no batches. */
  oneTransaction?: boolean;
  /** The tool keeps no down file (Atlas, Drizzle): the down in the generate result is what rolls back. */
  downInResult?: boolean;
  /** The reader cannot tell a migration that runs outside a transaction (Kysely's migrator decides per run). */
  transactionUnknown?: boolean;
  /** Python migrations: read by running the project's Python (alembic / Django importable). */
  python?: boolean;
}

const lines = (...text: string[]) => `${text.join('\n')}\n`;

const FORMATS: FormatCase[] = [
  { tool: 'golang-migrate', fixture: 'detect-golang-migrate' },
  { tool: 'goose', fixture: 'sources-goose' },
  { tool: 'dbmate', fixture: 'detect-dbmate' },
  { tool: 'sql-migrate', fixture: 'sources-sql-migrate' },
  { tool: 'flyway', fixture: 'detect-flyway' },
  { tool: 'diesel', fixture: 'detect-diesel' },
  { tool: 'sqlx', fixture: 'detect-sqlx' },
  { tool: 'sqitch', fixture: 'sources-sqitch' },
  { tool: 'liquibase', fixture: 'sources-liquibase' },
  { tool: 'atlas', fixture: 'sources-atlas', downInResult: true },
  { tool: 'multi-dialect-sql', fixture: 'sources-multi-dialect' },
  { tool: 'knex', fixture: 'sources-knex-pg', code: true },
  {
    tool: 'node-pg-migrate',
    code: true,
    fixture: {
      'package.json': JSON.stringify({ name: 'matrix-npm', dependencies: { 'node-pg-migrate': '*', pg: '*' } }),
      'migrations/1700000000000_create-settings.js': lines(
        'exports.up = (pgm) => {',
        "\tpgm.createTable('settings', { key: { type: 'text', primaryKey: true } });",
        '};',
        '',
        'exports.down = (pgm) => {',
        "\tpgm.dropTable('settings');",
        '};',
      ),
    },
  },
  {
    tool: 'kysely',
    code: true,
    transactionUnknown: true,
    fixture: {
      'package.json': JSON.stringify({ name: 'matrix-kysely', type: 'module', dependencies: { kysely: '*', pg: '*' } }),
      'migrations/2024_01_01_000000_create_settings.ts': lines(
        "import type { Kysely } from 'kysely'",
        '',
        'export async function up(db: Kysely<any>): Promise<void> {',
        "  await db.schema.createTable('settings').addColumn('key', 'text', (col) => col.primaryKey()).execute()",
        '}',
        '',
        'export async function down(db: Kysely<any>): Promise<void> {',
        "  await db.schema.dropTable('settings').execute()",
        '}',
      ),
    },
  },
  {
    tool: 'db-migrate',
    code: true,
    fixture: {
      'package.json': JSON.stringify({
        name: 'matrix-db-migrate',
        dependencies: { 'db-migrate': '*', 'db-migrate-pg': '*' },
      }),
      'migrations/20240101000000-create-settings.js': lines(
        "'use strict';",
        '',
        'exports.up = function (db) {',
        "  return db.createTable('settings', { key: { type: 'string', primaryKey: true } });",
        '};',
        '',
        'exports.down = function (db) {',
        "  return db.dropTable('settings');",
        '};',
        '',
        'exports._meta = { version: 1 };',
      ),
    },
  },
  {
    tool: 'typeorm',
    code: true,
    fixture: {
      'package.json': JSON.stringify({ name: 'matrix-typeorm', dependencies: { typeorm: '*', pg: '*' } }),
      'migrations/1700000000000-CreateSettings.ts': lines(
        'import { MigrationInterface, QueryRunner } from "typeorm";',
        '',
        'export class CreateSettings1700000000000 implements MigrationInterface {',
        '    name = "CreateSettings1700000000000";',
        '',
        '    public async up(queryRunner: QueryRunner): Promise<void> {',
        '        await queryRunner.query(`CREATE TABLE "settings" ("key" text PRIMARY KEY)`);',
        '    }',
        '',
        '    public async down(queryRunner: QueryRunner): Promise<void> {',
        '        await queryRunner.query(`DROP TABLE "settings"`);',
        '    }',
        '}',
      ),
    },
  },
  { tool: 'sequelize', fixture: 'sources-sequelize-pg', code: true },
  { tool: 'mikro-orm', fixture: 'sources-mikro-orm', code: true },
  { tool: 'prisma', fixture: 'generate-prisma' },
  { tool: 'drizzle', fixture: 'generate-drizzle-pg', oneTransaction: true, downInResult: true },
  { tool: 'alembic', fixture: 'generate-alembic', code: true, python: true },
  // Not Django: it renders PostgreSQL SQL only over a live connection (sqlmigrate asks the server), which the Python
  // sandbox refuses, so a Django project is read on its own engine. Django itself migrates, migrates back and
  // forward again what its writer generates, on SQLite, in writers-python.test.ts; names and read-back below.
];

const toolPython = findToolPython('alembic.config, django.core.management', 'alembic/django in the generate matrix');

const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

/** Made by a first generate_migration call: the existing table the matrix call builds on. */
const PARENT = 'matrix_parents';
const NOTE = 'matrix_note';

const PARENT_CHANGES: Change[] = [
  {
    op: 'create_table',
    table: PARENT,
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: NOTE, type: 'text' },
    ],
  },
];

/** One list, several drafts: the new table, the CONCURRENTLY index, the phased NOT NULL (expand, backfill, validate). */
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

/** What a one-transaction tool can carry: the new table and the NOT NULL phases without a batched backfill. */
const ONE_TRANSACTION_CHANGES: Change[] = [
  MATRIX_CHANGES[0]!,
  { op: 'alter_column', table: PARENT, column: NOTE, nullable: false },
];

/**
 * The transaction flag our reader must report for a draft: golang-migrate, sequelize-cli and Prisma never wrap a
 * migration in one of their own (the Sequelize writer opens its own inside the file).
 */
const readsTransactional = (tool: ToolName, draft: boolean) =>
  ['golang-migrate', 'sequelize', 'prisma'].includes(tool) ? false : draft;

async function applyAll(db: PostgresShadow, migrations: Migration[], direction: 'up' | 'down') {
  const ordered = direction === 'up' ? migrations : [...migrations].reverse();
  for (const migration of ordered) {
    try {
      await applyMigration(db, migration, direction);
    } catch (error) {
      throw new Error(`${direction} of ${migration.path}: ${(error as Error).message}`);
    }
  }
}

describe('generate_migration over every format writer: several drafts in one call', () => {
  for (const { tool, fixture, code, oneTransaction, downInResult, transactionUnknown, python } of FORMATS) {
    it.skipIf(!postgres.available || (python && !toolPython))(tool, { timeout: 120_000 }, async () => {
      const root = await projectOf(fixture, code === true);
      const executeProjectCode = code === true;
      if (python) {
        // The project's Python as our readers look for it, pointing at one that imports alembic and Django.
        mkdirSync(path.join(root, '.venv/bin'), { recursive: true });
        symlinkSync(toolPython!, path.join(root, '.venv/bin/python'));
      }
      if (tool === 'alembic') {
        // The fixture is a SQLite project; this matrix runs on PostgreSQL, so alembic renders for it too.
        const ini = path.join(root, 'alembic.ini');
        writeFileSync(
          ini,
          readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, 'sqlalchemy.url = postgresql://matrix/offline'),
        );
      }
      const common = {
        root,
        engine: 'postgresql' as const,
        shadowUrl: POSTGRES_URL,
        rowsPerTable: 5,
        executeProjectCode,
      };
      const first = await generateMigration({
        ...common,
        changes: PARENT_CHANGES,
        now: NOW,
      });
      expect(first.written, first.notWrittenBecause).toBe(true);
      const later = new Date(NOW.getTime() + 60_000);
      if (oneTransaction)
        await expect(generateMigration({ ...common, changes: MATRIX_CHANGES, now: later })).rejects.toThrow(
          /cannot run in a transaction/,
        );
      const result = await generateMigration({
        ...common,
        changes: oneTransaction ? ONE_TRANSACTION_CHANGES : MATRIX_CHANGES,
        now: later,
      });
      expect(result.format).toBe(tool);
      expect(
        result.rehearsal.map((item) => [item.draft, item.outcome, item.outcome === 'passed' ? '' : item.reason]),
      ).toEqual(result.drafts.map((draft) => [draft.name, 'passed', '']));
      expect(result.written, result.notWrittenBecause).toBe(true);
      expect(result.drafts.length).toBeGreaterThanOrEqual(oneTransaction ? 3 : 4);
      expect(result.drafts.some((draft) => !draft.transactional)).toBe(!oneTransaction);

      // Every draft has new files of its own, and no two drafts share one.
      const created = new Set(result.files.filter((file) => !file.edit).map((file) => file.path));
      const own = result.drafts.map((draft) => draft.files.filter((file) => created.has(file)));
      // lock_timeout never outlives its migration: SET LOCAL in a transaction; session SET then RESET outside one.
      result.drafts.forEach((draft, index) => {
        const text = result.files
          .filter((file) => own[index]!.includes(file.path))
          .map((file) => file.text)
          .join('\n');
        if (draft.transactional) expect(text, draft.name).not.toMatch(/SET\s+lock_timeout/i);
        else if (/SET\s+lock_timeout/i.test(text)) expect(text, draft.name).toMatch(/RESET\s+lock_timeout/i);
      });
      expect(result.files.some((file) => /SET LOCAL lock_timeout/.test(file.text))).toBe(true);
      for (const [index, files] of own.entries()) expect(files.length, result.drafts[index]!.name).toBeGreaterThan(0);
      const all = own.flat();
      expect(new Set(all).size).toBe(all.length);

      // Read back: the new migrations come after every older one, in draft order, with the draft's transaction flag.
      const read = await readMigrations(root, { engine: 'postgresql', executeProjectCode });
      expect(read.format).toBe(tool);
      expect(read.errors.filter((error) => created.has(error.path))).toEqual([]);
      const isNew = (migration: Migration) => own.some((files) => files.includes(migration.path));
      const positions = read.migrations.flatMap((migration, index) => (isNew(migration) ? [index] : []));
      const older = read.migrations.filter((migration) => !isNew(migration));
      const tail = positions.map((index) => read.migrations[index]!);
      expect(tail.map((migration) => own.findIndex((files) => files.includes(migration.path)))).toEqual(
        result.drafts.map((_, index) => index),
      );
      // Only repeatable migrations (Flyway R__) may run after them.
      const newestOlder = read.migrations.findLastIndex(
        (migration, index) => !isNew(migration) && !/\/R__/.test(migration.path) && index >= 0,
      );
      expect(positions[0]).toBeGreaterThan(newestOlder);
      if (!transactionUnknown)
        expect(tail.map((migration) => migration.transactional)).toEqual(
          result.drafts.map((draft) => readsTransactional(tool, draft.transactional)),
        );
      if (transactionUnknown)
        // As the project runs them: Kysely's Migrator with disableTransactions for the drafts that say so in the file.
        tail.forEach((migration, index) => {
          migration.transactional = result.drafts[index]!.transactional;
        });
      if (downInResult)
        // No down file: the draft's down, as generate_migration returned it, is what rolls back here.
        tail.forEach((migration, index) => {
          migration.down = result.drafts[index]!.down.map((sql) => ({ ...migration.up[0]!, sql }));
        });

      // The whole history up, the new migrations down, up again: the schema is back each time.
      const db = await PostgresShadow.open({ url: POSTGRES_URL });
      try {
        await applyAll(db, older, 'up');
        const before = await db.introspect();
        await applyAll(db, tail, 'up');
        // Same connection, all migrations run: none left its lock_timeout behind for the next one.
        expect((await db.query<{ lock_timeout: string }>('SHOW lock_timeout'))[0]?.lock_timeout).toBe('0');
        const applied = await db.introspect();
        expect(applied.tables.map((item) => item.name)).toContain('matrix_notes');
        const note = applied.tables
          .find((item) => item.name === PARENT)
          ?.columns.find((column) => column.name === NOTE);
        expect(note?.nullable).toBe(false);
        await applyAll(db, tail, 'down');
        expect(renderSchemaChanges(compareSchemas(before, await db.introspect()))).toBe('no difference');
        await applyAll(db, tail, 'up');
        expect(renderSchemaChanges(compareSchemas(applied, await db.introspect()))).toBe('no difference');
      } finally {
        await db.close();
      }
    });
  }
});

/** Drafts that need no existing table: run without Python too, where the project's history cannot be replayed. */
const STANDALONE_CHANGES: Change[] = [
  PARENT_CHANGES[0]!,
  MATRIX_CHANGES[0]!,
  {
    op: 'raw_sql',
    up: `CREATE INDEX CONCURRENTLY matrix_note_idx ON ${PARENT} (${NOTE})`,
    down: 'DROP INDEX CONCURRENTLY matrix_note_idx',
    transactional: false,
  },
];

describe('Alembic and Django names and read-back without running Python', () => {
  for (const tool of ['alembic', 'django'] as const) {
    it.skipIf(!postgres.available)(tool, { timeout: 60_000 }, async () => {
      const root = await projectOf(`generate-${tool}`, false);
      const result = await generateMigration({
        root,
        changes: STANDALONE_CHANGES,
        engine: 'postgresql',
        shadowUrl: POSTGRES_URL,
        dryRun: true,
        now: NOW,
      });
      expect(result.drafts.map((draft) => draft.transactional)).toEqual([true, false]);
      const paths = result.drafts.map((draft) => draft.files);
      expect(paths.every((files) => files.length === 1)).toBe(true);
      const texts = result.files.map((file) => file.text);
      if (tool === 'alembic') {
        // Each revision revises the one before it, the first the project's head.
        const revisions = texts.map((text) => /^revision: str = '([0-9a-f]{12})'/m.exec(text)?.[1]);
        const downs = texts.map((text) => /^down_revision: .* = '([0-9a-f]{12})'/m.exec(text)?.[1]);
        expect(new Set(revisions).size).toBe(2);
        expect(downs).toEqual(['5b1f0c2e9a47', revisions[0]]);
      } else {
        expect(paths.flat().map((file) => path.basename(file).slice(0, 5))).toEqual(['0002_', '0003_']);
        const dependencies = texts.map((text) => /dependencies = \[\("shop", "([^"]+)"\)\]/.exec(text)?.[1]);
        expect(dependencies).toEqual([
          '0001_initial',
          ...paths
            .slice(0, 1)
            .flat()
            .map((file) => path.basename(file, '.py')),
        ]);
        expect(texts[1]).toMatch(/atomic = False/);
      }
      // Written as they are, our reader lists them after the project's own, in order, with the transaction flag.
      for (const file of result.files) writeFileSync(path.join(root, file.path), file.text, { flag: 'wx' });
      const read = await readMigrations(root, { engine: 'postgresql', executeProjectCode: false });
      expect(read.migrations.slice(-2).map((migration) => migration.path)).toEqual(paths.flat());
      expect(read.migrations.slice(-2).map((migration) => migration.transactional)).toEqual([true, false]);
    });
  }
});
