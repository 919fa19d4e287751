import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
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
