import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { applyMigration } from './sql-writers-helpers.js';
import { fixtureCopy, textOf } from './writers-orm-helpers.js';

/**
 * For a Prisma project (its migrations written by `prisma migrate dev`), generate_migration writes migration.sql
 * byte for byte as Prisma would for the same schema change: create table, add column, add index, add foreign key.
 * The expected files (test/fixtures/generate-prisma-expected) follow real Prisma output.
 */

const postgres = await postgresAvailable();
const expected = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '../fixtures/generate-prisma-expected', `${name}.sql`), 'utf8');

const BLOG: Change[] = [
  {
    op: 'create_table',
    table: 'Post',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true, generated: 'serial' },
      { name: 'title', type: 'varchar(200)', nullable: false },
      { name: 'slug', type: 'text', nullable: false, unique: true },
      {
        name: 'categoryId',
        type: 'integer',
        nullable: false,
        references: { table: 'Category', onDelete: 'restrict', onUpdate: 'cascade' },
      },
      { name: 'score', type: 'double precision' },
      { name: 'published', type: 'boolean', nullable: false, default: 'false' },
      { name: 'createdAt', type: 'timestamp(3)', nullable: false, default: 'now()' },
    ],
  },
  {
    op: 'create_table',
    table: 'Category',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true, generated: 'serial' },
      { name: 'name', type: 'text', nullable: false },
    ],
  },
  { op: 'add_index', table: 'Post', columns: ['createdAt'] },
];

const USER_COLUMNS: Change[] = [
  { op: 'add_column', table: 'User', column: { name: 'bio', type: 'text' } },
  { op: 'add_column', table: 'User', column: { name: 'nickname', type: 'varchar(50)' } },
];

describe.skipIf(!postgres.available)('Prisma migration.sql, as Prisma writes it', () => {
  it.each([
    ['new tables with a unique key, indexes and a foreign key', BLOG, 'add_category_table_and_add_post_table'],
    ['new columns on a table that holds rows', USER_COLUMNS, 'add_bio_and_nickname_to_user'],
  ])('%s', { timeout: 120_000 }, async (_what, changes, name) => {
    const { root, cleanup } = fixtureCopy('generate-prisma');
    try {
      const result = await generateMigration({
        root,
        changes,
        name,
        engine: 'postgresql',
        shadowUrl: POSTGRES_URL,
        rowsPerTable: 5,
        dryRun: true,
        now: new Date('2024-03-01T10:00:00Z'),
      });
      expect(result.format).toBe('prisma');
      expect(result.rehearsal.map((item) => item.outcome)).toEqual(result.drafts.map(() => 'passed'));
      expect(result.files.find((file) => file.path.endsWith('/migration.sql'))?.path).toBe(
        `prisma/migrations/20240301100000_${name}/migration.sql`,
      );
      expect(textOf(result.files, /migration\.sql$/)).toBe(expected(name));
    } finally {
      cleanup();
    }
  });
});

/**
 * The forms Prisma never writes (a CONCURRENTLY index build, a foreign key added NOT VALID and validated later, a
 * column added to a table that holds rows) keep the planner's SQL, said in Prisma's style like the rest of
 * migration.sql: identifiers double-quoted, types upper case, `"User"("id")`; the files still apply, roll back and
 * apply again on PostgreSQL.
 */
describe.skipIf(!postgres.available)('Prisma migration.sql for the forms Prisma never writes', () => {
  it('quotes every identifier and upper-cases the types, and the migrations run up, down, up', {
    timeout: 120_000,
  }, async () => {
    const { root, cleanup } = fixtureCopy('generate-prisma');
    const db = await PostgresShadow.open({ url: POSTGRES_URL });
    try {
      const before = await readMigrations(root, { engine: 'postgresql' });
      const result = await generateMigration({
        root,
        changes: [
          { op: 'add_index', table: 'User', columns: ['createdAt'] },
          {
            op: 'add_column',
            table: 'Order',
            column: { name: 'buyerId', type: 'integer', references: { table: 'User' } },
          },
        ],
        engine: 'postgresql',
        shadowUrl: POSTGRES_URL,
        rowsPerTable: 5,
        now: new Date('2024-03-01T10:00:00Z'),
      });
      expect(result.written, result.notWrittenBecause).toBe(true);
      const statements = result.files
        .filter((file) => file.path.endsWith('/migration.sql'))
        .flatMap((file) => file.text.split('\n').filter((line) => line && !line.startsWith('--')));
      expect(statements).toEqual(
        expect.arrayContaining([
          'ALTER TABLE "Order" ADD COLUMN IF NOT EXISTS "buyerId" INTEGER;',
          'ALTER TABLE "Order" ADD CONSTRAINT "Order_buyerId_fkey" FOREIGN KEY ("buyerId") REFERENCES "User"("id") NOT VALID;',
          'CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_createdAt_idx" ON "User"("createdAt");',
          'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_buyerId_idx" ON "Order"("buyerId");',
          'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_buyerId_fkey";',
        ]),
      );
      // Apart from the session setting, no word outside quotes is a bare lower-case name.
      for (const statement of statements.filter((line) => !/^SET /.test(line)))
        expect(statement.replace(/"[^"]*"|'[^']*'/g, '')).not.toMatch(/\b[a-z_][a-z0-9_]*\b/);

      const after = await readMigrations(root, { engine: 'postgresql' });
      expect(after.errors).toEqual([]);
      const added = after.migrations.slice(before.migrations.length);
      for (const migration of before.migrations) await applyMigration(db, migration, 'up');
      const baseline = await db.introspect();
      for (const migration of added) await applyMigration(db, migration, 'up');
      const applied = await db.introspect();
      expect(applied.tables.find((table) => table.name === 'Order')?.foreignKeys.map((key) => key.name)).toContain(
        'Order_buyerId_fkey',
      );
      for (const migration of [...added].reverse()) await applyMigration(db, migration, 'down');
      expect(renderSchemaChanges(compareSchemas(baseline, await db.introspect()))).toBe('no difference');
      for (const migration of added) await applyMigration(db, migration, 'up');
      expect(renderSchemaChanges(compareSchemas(applied, await db.introspect()))).toBe('no difference');
    } finally {
      await db.close();
      cleanup();
    }
  });
});
