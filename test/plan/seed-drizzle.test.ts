import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateSeed } from '../../src/plan/seed/index.js';
import { tempProject } from '../project/helpers.js';

const REPO = path.join(import.meta.dirname, '../..');
const SQLITE_SCHEMA = readFileSync(path.join(REPO, 'test/fixtures/seed-shop/schema.sqlite.sql'), 'utf8');

/** The Drizzle schema of seed-shop's authors and posts, with the builder modes that change a value's JS type. */
const DRIZZLE_SCHEMA = `import { integer, numeric, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const authors = sqliteTable('authors', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  fullName: text('full_name', { length: 60 }).notNull(),
  website: text('website'),
  rating: integer('rating').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
});

export const blogPosts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id').notNull().references(() => authors.id),
  slug: text('slug', { length: 40 }).notNull().unique(),
  title: text('title', { length: 80 }).notNull(),
  status: text('status', { enum: ['draft', 'published', 'archived'] }).notNull(),
  isFeatured: integer('is_featured', { mode: 'boolean' }).notNull().default(false),
  price: numeric('price'),
  publishedAt: text('published_at'),
});
`;

describe('Drizzle seed through the project schema exports, run with drizzle-orm on SQLite', () => {
  it('writes db.insert(table).values([...]) with the schema imports and inserts every row', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({
        type: 'module',
        dependencies: { 'drizzle-orm': '^0.45.0', 'better-sqlite3': '^12.0.0' },
      }),
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'sqlite', schema: './src/db/schema.ts' });\n",
      'src/db/schema.ts': DRIZZLE_SCHEMA,
      'src/db/index.ts':
        "import Database from 'better-sqlite3';\nimport { drizzle } from 'drizzle-orm/better-sqlite3';\n\nexport const db = drizzle(new Database(process.env.SEED_DB ?? 'local.db'));\n",
      'schema.sql': SQLITE_SCHEMA,
    });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(project.dir, 'node_modules'), 'dir');
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['posts'],
        rows: 4,
        format: 'drizzle',
        write: true,
      });
      expect(result.files.map((file) => file.path)).toEqual(['src/db/seed_posts.ts']);
      const text = readFileSync(path.join(project.dir, 'src/db/seed_posts.ts'), 'utf8');
      expect(text).toContain("import { db } from './index';\nimport { authors, blogPosts } from './schema';");
      expect(text).toContain('await db.insert(authors).values([');
      expect(text).toContain('await db.insert(blogPosts).values([');
      expect(text).not.toContain('INSERT INTO');
      expect(text).toMatch(/updatedAt: new Date\("\d{4}-\d\d-\d\dT[\d:.]+Z"\)/);
      expect(text).toMatch(/isFeatured: (true|false)/);
      expect(text).toMatch(/fullName: "/);

      const file = path.join(project.dir, 'seed.db');
      const setup = new Database(file);
      setup.exec(SQLITE_SCHEMA);
      setup.close();
      const run = spawnSync(
        process.execPath,
        [path.join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'src/db/seed_posts.ts'],
        {
          cwd: project.dir,
          encoding: 'utf8',
          env: { ...process.env, SEED_DB: file },
          timeout: 60_000,
        },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const db = new Database(file, { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM authors').get()).toEqual({ n: 4 });
        expect(db.prepare('SELECT count(*) AS n FROM posts').get()).toEqual({ n: 4 });
        const orphans = db.prepare('SELECT count(*) AS n FROM posts WHERE author_id NOT IN (SELECT id FROM authors)');
        expect(orphans.get()).toEqual({ n: 0 });
        const featured = db.prepare('SELECT DISTINCT typeof(is_featured) AS t FROM posts').all();
        expect(featured).toEqual([{ t: 'integer' }]);
      } finally {
        db.close();
      }
    } finally {
      project.cleanup();
    }
  }, 120_000);
});
