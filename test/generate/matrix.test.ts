import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { readCurrentSchema } from '../../src/generate/current-schema.js';
import { generateMigration } from '../../src/generate/generate.js';
import { existingMigrations, locateFolder } from '../../src/generate/locate.js';
import type { Migration } from '../../src/model.js';
import type { ToolName } from '../../src/project/types.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Table } from '../../src/schema/model.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { applyMigration, fixtureCopy, removeTemporaryProjects } from './sql-writers-helpers.js';

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
  fixture: string;
}

const FORMATS: FormatCase[] = [
  { tool: 'golang-migrate', fixture: 'detect-golang-migrate' },
  { tool: 'goose', fixture: 'sources-goose' },
  { tool: 'dbmate', fixture: 'detect-dbmate' },
  { tool: 'flyway', fixture: 'detect-flyway' },
  { tool: 'diesel', fixture: 'detect-diesel' },
  { tool: 'atlas', fixture: 'sources-atlas' },
  { tool: 'multi-dialect-sql', fixture: 'sources-multi-dialect' },
];

const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

/** The existing table to build on: the first one keyed by `id`. */
function anchorOf(tables: Table[]): Table {
  const table = tables.find((item) => item.columns.some((column) => column.name === 'id'));
  if (!table) throw new Error(`no table keyed by id among ${tables.map((item) => item.name).join(', ')}`);
  return table;
}

/** First call: a nullable column on the existing table, the one the matrix call makes NOT NULL. */
const NOTE = 'matrix_note';

function changesFor(table: Table): Change[] {
  const idType = table.columns.find((item) => item.name === 'id')!.type;
  const keyType = /^(int2|int4|integer|smallint|serial)$/i.test(idType)
    ? 'integer'
    : /uuid/i.test(idType)
      ? 'uuid'
      : 'bigint';
  return [
    {
      op: 'create_table',
      table: 'matrix_notes',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'parent_id', type: keyType, nullable: false, references: { table: table.name } },
      ],
    },
    { op: 'add_index', table: table.name, columns: [NOTE], name: 'matrix_note_idx' },
    { op: 'alter_column', table: table.name, column: NOTE, nullable: false, default: `''` },
  ];
}

async function currentTables(root: string, executeProjectCode: boolean): Promise<Table[]> {
  const located = locateFolder(root, undefined, undefined);
  const engine = located.pkg?.engine?.name === 'postgresql' ? 'postgresql' : undefined;
  const existing = await existingMigrations(root, located, engine, { executeProjectCode }, []);
  const current = await readCurrentSchema('postgresql', existing.migrations, { shadowUrl: POSTGRES_URL });
  return current.schema.tables;
}

/** The transaction flag our reader must report for a draft: golang-migrate never wraps a file in one. */
const readsTransactional = (tool: ToolName, draft: boolean) => (tool === 'golang-migrate' ? false : draft);

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
  for (const { tool, fixture } of FORMATS) {
    it.skipIf(!postgres.available)(tool, { timeout: 120_000 }, async () => {
      const root = await fixtureCopy(fixture);
      const executeProjectCode = false;
      const table = anchorOf(await currentTables(root, executeProjectCode));
      const common = {
        root,
        engine: 'postgresql' as const,
        shadowUrl: POSTGRES_URL,
        rowsPerTable: 5,
        executeProjectCode,
      };
      const first = await generateMigration({
        ...common,
        changes: [{ op: 'add_column', table: table.name, column: { name: NOTE, type: 'text' } }],
        now: NOW,
      });
      expect(first.written, first.notWrittenBecause).toBe(true);
      const result = await generateMigration({
        ...common,
        changes: changesFor(table),
        now: new Date(NOW.getTime() + 60_000),
      });
      expect(result.format).toBe(tool);
      expect(
        result.rehearsal.map((item) => [item.draft, item.outcome, item.outcome === 'passed' ? '' : item.reason]),
      ).toEqual(result.drafts.map((draft) => [draft.name, 'passed', '']));
      expect(result.written, result.notWrittenBecause).toBe(true);
      expect(result.drafts.length).toBeGreaterThanOrEqual(4);
      expect(result.drafts.some((draft) => !draft.transactional)).toBe(true);

      // Every draft has new files of its own, and no two drafts share one.
      const created = new Set(result.files.filter((file) => !file.edit).map((file) => file.path));
      const own = result.drafts.map((draft) => draft.files.filter((file) => created.has(file)));
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
      expect(tail.map((migration) => migration.transactional)).toEqual(
        result.drafts.map((draft) => readsTransactional(tool, draft.transactional)),
      );
      if (tool === 'atlas')
        // Atlas keeps no down file: the draft's down (a comment in the file) is what rolls back here.
        tail.forEach((migration, index) => {
          migration.down = result.drafts[index]!.down.map((sql) => ({ ...migration.up[0]!, sql }));
        });

      // The whole history up, the new migrations down, up again: the schema is back each time.
      const db = await PostgresShadow.open({ url: POSTGRES_URL });
      try {
        await applyAll(db, older, 'up');
        const before = await db.introspect();
        await applyAll(db, tail, 'up');
        const applied = await db.introspect();
        expect(applied.tables.map((item) => item.name)).toContain('matrix_notes');
        const note = applied.tables
          .find((item) => item.name === table.name)
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
