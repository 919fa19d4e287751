import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import knex from 'knex';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { generateSeed } from '../../src/plan/seed/index.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { tempProject } from '../project/helpers.js';
import { runTsSeed, sqliteFileWith } from './seed-scripts.js';

const REPO = path.join(import.meta.dirname, '../..');
const FIXTURE = path.join(REPO, 'test/fixtures/seed-shop');
const PG_SCHEMA = readFileSync(path.join(FIXTURE, 'schema.sql'), 'utf8');
const SQLITE_SCHEMA = readFileSync(path.join(FIXTURE, 'schema.sqlite.sql'), 'utf8');
const MYSQL_SCHEMA = readFileSync(path.join(FIXTURE, 'schema.mysql.sql'), 'utf8');
const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();
const NOW = new Date('2026-03-04T05:06:07Z');

describe.skipIf(!postgres.available)('knex seed file run with knex against the PostgreSQL server', () => {
  it('writes db/seeds/<name>.js (CommonJS) with arrays, jsonb and uuids that inserts every row and leaves the sequences past the ids', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'shop', dependencies: { knex: '^3.1.0', pg: '^8.11.0' } }),
      'knexfile.js': "module.exports = { client: 'pg', seeds: { directory: './db/seeds' } };\n",
      'db/seeds/.gitkeep': '',
      'schema.sql': PG_SCHEMA,
    });
    const schema = uniqueName('seed_knex');
    const db = knex({ client: 'pg', connection: POSTGRES_URL, searchPath: [schema], pool: { min: 1, max: 1 } });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        tables: ['order_items'],
        rows: 5,
        shadowUrl: POSTGRES_URL,
        write: true,
        now: NOW,
      });
      expect(result.format).toBe('knex');
      expect(result.files.map((file) => file.path)).toEqual(['db/seeds/seed_order_items.js']);
      expect(result.run).toBe('npx knex seed:run --specific=seed_order_items.js');
      const text = readFileSync(path.join(project.dir, 'db/seeds/seed_order_items.js'), 'utf8');
      expect(text).toContain('exports.seed = async function seed(knex)');

      await db.raw(`CREATE SCHEMA ${schema}`);
      await db.raw(PG_SCHEMA);
      const seedModule = createRequire(import.meta.url)(path.join(project.dir, 'db/seeds/seed_order_items.js')) as {
        seed(k: typeof db): Promise<void>;
      };
      await seedModule.seed(db);
      const counts = await db.raw(
        `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM orders)::int AS orders,
                (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM order_items)::int AS items`,
      );
      expect(counts.rows[0]).toEqual({ customers: 5, orders: 5, products: 5, items: 5 });
      const [next] = await db('customers')
        .insert({ email: 'new@example.com', first_name: 'N', last_name: 'E', country: 'FR', tier: 'pro' })
        .returning('id');
      expect(next.id).toBe(6);

      const again = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        tables: ['order_items'],
        rows: 5,
        shadowUrl: POSTGRES_URL,
        write: true,
      }).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(UserError);
      expect((again as UserError).code).toBe('seed-file-exists');
    } finally {
      await db.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await db.destroy();
      project.cleanup();
    }
  });
});

describe('seed formats per project type (SQLite shadow)', () => {
  it('knex with TypeScript seeds: an exported seed(knex: Knex) in the seeds folder', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({ dependencies: { knex: '^3.1.0', 'better-sqlite3': '^11.0.0' } }),
      'seeds/01_users.ts': 'export async function seed() {}\n',
      'schema.sql': SQLITE_SCHEMA,
    });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['posts'],
        rows: 3,
      });
      expect(result.files[0]?.path).toBe('seeds/seed_posts.ts');
      const text = result.files[0]?.text ?? '';
      expect(text).toContain("import type { Knex } from 'knex';");
      expect(text).toContain('export async function seed(knex: Knex): Promise<void> {');
      expect(text).toContain('await trx("authors").insert([');
      expect(text.indexOf('trx("authors")')).toBeLessThan(text.indexOf('trx("posts")'));
      expect(result.written).toBe(false);
    } finally {
      project.cleanup();
    }
  });

  it('Prisma: prisma/seed.ts with createMany on the mapped model and field names, and the package.json hint', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({
        dependencies: { '@prisma/client': '^5.22.0' },
        devDependencies: { prisma: '^5.22.0' },
      }),
      'prisma/schema.prisma': `datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

model Author {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  fullName  String   @map("full_name")
  createdAt DateTime @default(now()) @map("created_at")
  books     Book[]

  @@map("authors")
}

model Book {
  id       Int    @id @default(autoincrement())
  title    String
  price    Decimal
  authorId Int    @map("author_id")
  author   Author @relation(fields: [authorId], references: [id])

  @@map("books")
}
`,
    });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'prisma:prisma/schema.prisma',
        tables: ['books'],
        rows: 4,
      });
      expect(result.format).toBe('prisma');
      expect(result.provenRows).toBe(8);
      expect(result.files[0]?.path).toBe('prisma/seed.ts');
      const text = result.files[0]?.text ?? '';
      expect(text).toContain("import { PrismaClient } from '@prisma/client';");
      expect(text).toContain('prisma.author.createMany({ data: [');
      expect(text).toContain('prisma.book.createMany({ data: [');
      expect(text).toMatch(/fullName: "[^"]+", createdAt: new Date\("\d{4}-\d\d-\d\dT/);
      expect(text).toMatch(/authorId: [1-4]/);
      expect(result.hints).toEqual([
        'Add to package.json (not edited by the tool): "prisma": { "seed": "tsx prisma/seed.ts" }',
      ]);
      expect(result.run).toBe('npx prisma db seed');
    } finally {
      project.cleanup();
    }
  });

  it('Sequelize: seeders/<timestamp>-<name>.js with up bulkInsert and down bulkDelete, valid JavaScript', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({ dependencies: { sequelize: '^6.37.0', 'sequelize-cli': '^6.6.0' } }),
      'schema.sql': SQLITE_SCHEMA,
    });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['posts'],
        rows: 3,
        now: NOW,
      });
      expect(result.format).toBe('sequelize');
      expect(result.files[0]?.path).toBe('seeders/20260304050607-seed-posts.js');
      const text = result.files[0]?.text ?? '';
      expect(() => new vm.Script(text)).not.toThrow();
      expect(text).toContain('await queryInterface.bulkInsert("authors", [');
      expect(text).toContain('await queryInterface.bulkDelete("posts", { "slug": [');
      expect(text).toContain('await queryInterface.bulkDelete("authors", { "id": [1,2,3] }, { transaction });');
      expect(text.indexOf('bulkDelete("posts"')).toBeLessThan(text.indexOf('bulkDelete("authors"'));
    } finally {
      project.cleanup();
    }
  });

  it('TypeORM: the written script runs with tsx through the project DataSource (better-sqlite3) and inserts every row', async () => {
    const typeormEntry = path.join(REPO, 'node_modules/typeorm/index.js');
    const project = tempProject({
      'package.json': JSON.stringify({ type: 'module', dependencies: { typeorm: '^1.1.1' } }),
      'src/data-source.ts': `import { DataSource } from ${JSON.stringify(typeormEntry)};\nexport const AppDataSource = new DataSource({ type: 'better-sqlite3', database: 'app.sqlite' });\n`,
      'schema.sql': SQLITE_SCHEMA,
    });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['posts'],
        rows: 5,
        write: true,
      });
      expect(result.format).toBe('typeorm');
      expect(result.files[0]?.path).toBe('src/seeds/seed_posts.ts');
      sqliteFileWith(path.join(project.dir, 'app.sqlite'), SQLITE_SCHEMA);
      const child = runTsSeed(project.dir, 'src/seeds/seed_posts.ts');
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const check = new Database(path.join(project.dir, 'app.sqlite'), { readonly: true });
      expect(
        check.prepare('SELECT (SELECT count(*) FROM authors) AS authors, (SELECT count(*) FROM posts) AS posts').get(),
      ).toEqual({
        authors: 5,
        posts: 5,
      });
      check.close();
    } finally {
      project.cleanup();
    }
  }, 60_000);

  it('TypeORM and Drizzle: a TS script through the project DataSource / db running the proven SQL', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({ dependencies: { typeorm: '^0.3.20' } }),
      'src/data-source.ts':
        "import { DataSource } from 'typeorm';\nexport const AppDataSource = new DataSource({ type: 'sqlite', database: 'db.sqlite' });\n",
      'src/db/index.ts': 'export const db = drizzle(client);\n',
      'schema.sql': SQLITE_SCHEMA,
    });
    try {
      const typeorm = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['authors'],
        rows: 2,
        format: 'typeorm',
      });
      expect(typeorm.files[0]?.path).toBe('src/seeds/seed_authors.ts');
      expect(typeorm.files[0]?.text).toContain("import { AppDataSource as dataSource } from '../data-source';");
      expect(typeorm.files[0]?.text).toContain('await manager.query(`INSERT INTO "authors"');
      const drizzle = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'sqlite',
        tables: ['authors'],
        rows: 2,
        format: 'drizzle',
      });
      expect(drizzle.files[0]?.path).toBe('src/db/seed_authors.ts');
      expect(drizzle.files[0]?.text).toContain("import { db } from './index';");
      expect(drizzle.files[0]?.text).toContain("await db.run(sql.raw('BEGIN'));");
      expect(drizzle.files[0]?.text).toContain('await db.run(sql.raw(`INSERT INTO "authors"');
    } finally {
      project.cleanup();
    }
  });
});

describe.skipIf(!mysql.available)('knex seed file run with knex against the MariaDB server', () => {
  it('writes an ESM seed for an ESM project that inserts every row, JSON as text', async () => {
    const name = uniqueName('seed_knex_my');
    const admin = knex({ client: 'mysql2', connection: MYSQL_URL, pool: { min: 1, max: 1 } });
    await admin.raw(`CREATE DATABASE ${name}`);
    const target = knex({
      client: 'mysql2',
      connection: `${MYSQL_URL.replace(/\/[^/]*$/, `/${name}`)}?multipleStatements=true`,
      pool: { min: 1, max: 1 },
    });
    const project = tempProject({
      'package.json': JSON.stringify({ type: 'module', dependencies: { knex: '^3.1.0', mysql2: '^3.9.0' } }),
      'seeds/.keep': '',
      'schema.sql': MYSQL_SCHEMA,
    });
    try {
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        engine: 'mysql',
        shadowUrl: MYSQL_URL,
        tables: ['orders'],
        rows: 6,
        format: 'knex',
        write: true,
      });
      const text = result.files[0]?.text ?? '';
      expect(result.files[0]?.path).toBe('seeds/seed_orders.js');
      expect(text).toContain('export async function seed(knex) {');
      await target.raw(MYSQL_SCHEMA);
      const seedModule = (await import(pathToFileURL(path.join(project.dir, 'seeds/seed_orders.js')).href)) as {
        seed(k: typeof target): Promise<void>;
      };
      await seedModule.seed(target);
      const [rows] = await target.raw(
        'SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders',
      );
      expect(rows[0]).toEqual({ customers: 6, orders: 6 });
    } finally {
      await target.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
      await admin.destroy();
      project.cleanup();
    }
  });
});

describe.skipIf(!postgres.available)('Sequelize seeder run with Sequelize against the PostgreSQL server', () => {
  it('up inserts every row in one transaction and down deletes them again, children first', async () => {
    const name = uniqueName('seed_sequelize');
    const admin = knex({ client: 'pg', connection: POSTGRES_URL, pool: { min: 1, max: 1 } });
    const url = POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
    await admin.raw(`CREATE DATABASE ${name}`);
    const project = tempProject({
      'package.json': JSON.stringify({
        dependencies: { sequelize: '^6.37.0', 'sequelize-cli': '^6.6.0', pg: '^8.11.0' },
      }),
      'schema.sql': PG_SCHEMA,
    });
    const { Sequelize } = await import('sequelize');
    const sequelize = new Sequelize(url, { logging: false });
    try {
      await sequelize.query(PG_SCHEMA);
      const result = await generateSeed({
        root: project.dir,
        schema: 'sql:schema.sql',
        tables: ['orders'],
        rows: 4,
        shadowUrl: POSTGRES_URL,
        write: true,
        now: NOW,
      });
      expect(result.format).toBe('sequelize');
      const file = path.join(project.dir, result.files[0]?.path ?? '');
      const seeder = createRequire(import.meta.url)(file) as {
        up(q: unknown): Promise<void>;
        down(q: unknown): Promise<void>;
      };
      const count = async () =>
        (await sequelize.query(
          'SELECT (SELECT count(*) FROM customers)::int AS c, (SELECT count(*) FROM orders)::int AS o',
          {
            plain: true,
          },
        )) as { c: number; o: number };
      await seeder.up(sequelize.getQueryInterface());
      expect(await count()).toEqual({ c: 4, o: 4 });
      await seeder.down(sequelize.getQueryInterface());
      expect(await count()).toEqual({ c: 0, o: 0 });
    } finally {
      await sequelize.close();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.destroy();
      project.cleanup();
    }
  });
});

describe.skipIf(!postgres.available)('existing parent rows read read-only from a database', () => {
  it('points the seed at rows that exist instead of seeding their table again', async () => {
    const name = uniqueName('seed_parents');
    const admin = knex({ client: 'pg', connection: POSTGRES_URL, pool: { min: 1, max: 1 } });
    const url = POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
    await admin.raw(`CREATE DATABASE ${name}`);
    const target = knex({ client: 'pg', connection: url, pool: { min: 1, max: 1 } });
    try {
      await target.raw(readFileSync(path.join(FIXTURE, 'schema-before.sql'), 'utf8'));
      await target('customers').insert(
        [40, 41, 42].map((id) => ({
          id,
          email: `c${id}@example.com`,
          first_name: 'C',
          last_name: `${id}`,
          country: 'DE',
          tier: 'pro',
        })),
      );
      const result = await generateSeed({
        root: FIXTURE,
        schema: 'sql:schema.sql',
        database: `db:${url}`,
        tables: ['orders'],
        rows: 6,
        shadowUrl: POSTGRES_URL,
        format: 'sql',
      });
      expect(result.tables.map((table) => table.name)).toEqual(['orders']);
      expect(result.provenRows).toBe(6);
      const ids = new Set(result.plan.tables[0]?.rows.map((row) => row.customer_id));
      for (const id of ids) expect([40, 41, 42]).toContain(id);
      expect(result.notes).toContain(
        'Points at 3 existing row(s) of customers read (read-only) from the database; not seeded.',
      );
      expect(result.files[0]?.text).not.toContain('INSERT INTO "customers"');
      expect(await target('customers').count({ n: '*' })).toEqual([{ n: '3' }]);
    } finally {
      await target.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.destroy();
    }
  });
});
