import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateSeed } from '../../src/plan/seed/index.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { tempProject } from '../project/helpers.js';
import { runTsSeed, sqliteFileWith } from './seed-scripts.js';

const REPO = path.join(import.meta.dirname, '../..');
const SQLITE_SCHEMA = readFileSync(path.join(REPO, 'test/fixtures/seed-shop/schema.sqlite.sql'), 'utf8');
const PG_SCHEMA = readFileSync(path.join(REPO, 'test/fixtures/seed-shop/schema.sql'), 'utf8');
const postgres = await postgresAvailable();

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
      sqliteFileWith(file, SQLITE_SCHEMA);
      const run = runTsSeed(project.dir, 'src/db/seed_posts.ts', { SEED_DB: file });
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

/** seed-shop's customers and orders in pg-core: a pgEnum, numerics, timestamps in date and in string mode. */
const DRIZZLE_PG_SCHEMA = `import { boolean, char, integer, numeric, pgEnum, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const orderStatus = pgEnum('order_status', ['pending', 'paid', 'shipped', 'cancelled']);

export const customers = pgTable('customers', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 120 }).notNull().unique(),
  firstName: varchar('first_name', { length: 40 }).notNull(),
  lastName: varchar('last_name', { length: 40 }).notNull(),
  phone: varchar('phone', { length: 30 }),
  country: char('country', { length: 2 }).notNull(),
  city: text('city'),
  zip: varchar('zip', { length: 10 }),
  isActive: boolean('is_active').notNull().default(true),
  tier: text('tier').notNull(),
  age: integer('age'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

export const orders = pgTable('orders', {
  id: serial('id').primaryKey(),
  customerId: integer('customer_id').notNull().references(() => customers.id),
  status: orderStatus('status').notNull().default('pending'),
  total: numeric('total', { precision: 10, scale: 2 }).notNull(),
  placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
  shippedAt: timestamp('shipped_at', { withTimezone: true }),
  note: varchar('note', { length: 200 }),
});
`;

describe.skipIf(!postgres.available)('Drizzle seed run with drizzle-orm/node-postgres on the PostgreSQL server', () => {
  it('inserts every row in one transaction and moves the sequences past the explicit ids', async () => {
    const schema = uniqueName('seed_drizzle');
    const project = tempProject({
      'package.json': JSON.stringify({ type: 'module', dependencies: { 'drizzle-orm': '^0.45.0', pg: '^8.11.0' } }),
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts' });\n",
      'src/db/schema.ts': DRIZZLE_PG_SCHEMA,
      'src/db/index.ts':
        "import pg from 'pg';\nimport { drizzle } from 'drizzle-orm/node-postgres';\n\nexport const db = drizzle(new pg.Pool({ connectionString: process.env.SEED_URL, options: '-c search_path=' + process.env.SEED_SCHEMA }));\n",
      'schema.sql': PG_SCHEMA,
    });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(project.dir, 'node_modules'), 'dir');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        tables: ['orders'],
        rows: 3,
        format: 'drizzle',
        shadowUrl: POSTGRES_URL,
        write: true,
      });
      const text = readFileSync(path.join(project.dir, 'src/db/seed_orders.ts'), 'utf8');
      expect(result.files.map((file) => file.path)).toEqual(['src/db/seed_orders.ts']);
      expect(text).toContain("import { customers, orders } from './schema';");
      expect(text).toContain('await tx.insert(customers).values([');
      expect(text).toContain('await tx.insert(orders).values([');
      expect(text).toMatch(/total: "\d+(\.\d+)?"/);
      expect(text).toMatch(/placedAt: new Date\(/);
      expect(text).toMatch(/updatedAt: "\d{4}-/);
      expect(text).toContain('await tx.execute(sql.raw(`SELECT setval(');

      await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
      await client.query(PG_SCHEMA);
      const run = runTsSeed(project.dir, 'src/db/seed_orders.ts', { SEED_URL: POSTGRES_URL, SEED_SCHEMA: schema });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const counts = await client.query(
        'SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM orders)::int AS orders',
      );
      expect(counts.rows[0]).toEqual({ customers: 3, orders: 3 });
      // The sequence moved past the seeded ids: the application's next insert does not collide.
      await client.query(
        "INSERT INTO customers (email, first_name, last_name, country, tier) VALUES ('next@example.com', 'N', 'X', 'FR', 'free')",
      );
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      project.cleanup();
    }
  }, 120_000);
});
