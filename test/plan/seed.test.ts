import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { generateSeed, type SeedResult } from '../../src/plan/seed/index.js';
import type { SeedValue } from '../../src/plan/seed/types.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { tempProject } from '../project/helpers.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/seed-shop');
const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();

function rowsOf(result: SeedResult, table: string): Record<string, SeedValue>[] {
  const found = result.plan.tables.find((candidate) => candidate.name === table);
  if (!found) throw new Error(`no table ${table}`);
  return found.rows;
}

function column(rows: Record<string, SeedValue>[], name: string): SeedValue[] {
  return rows.map((row) => row[name] ?? null);
}

const shop = (options: Partial<Parameters<typeof generateSeed>[0]> = {}) =>
  generateSeed({
    root: FIXTURE,
    schema: 'sql:schema.sql',
    tables: ['order_items'],
    rows: 12,
    format: 'sql',
    now: new Date('2026-01-01T00:00:00Z'),
    ...options,
  });

describe('generate_seed on PostgreSQL (PGlite)', () => {
  it('seeds the parents first, honours CHECK, enum, varchar(n), numeric(p,s), unique and FK, proves every row', async () => {
    const result = await shop();
    expect(result.tables.map((table) => [table.name, table.reason])).toEqual([
      ['customers', 'parent'],
      ['orders', 'parent'],
      ['products', 'parent'],
      ['order_items', 'requested'],
    ]);
    expect(result.provenRows).toBe(48);
    expect(result.shadow).toMatch(/PGlite/);

    const customers = rowsOf(result, 'customers');
    expect(new Set(column(customers, 'email')).size).toBe(12);
    for (const row of customers) {
      expect(row.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
      expect(['free', 'pro', 'enterprise']).toContain(row.tier);
      expect(String(row.country)).toMatch(/^[A-Z]{2}$/);
      expect(String(row.first_name).length).toBeLessThanOrEqual(40);
      if (row.age !== null) expect(Number(row.age)).toBeGreaterThanOrEqual(18);
      if (row.age !== null) expect(Number(row.age)).toBeLessThanOrEqual(120);
      expect(String(row.created_at) <= String(row.updated_at)).toBe(true);
    }
    expect(column(customers, 'id')).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));

    const products = rowsOf(result, 'products');
    expect(new Set(column(products, 'slug')).size).toBe(12);
    for (const row of products) {
      expect(String(row.price)).toMatch(/^\d{1,6}\.\d{2}$/);
      expect(Number(row.price)).toBeGreaterThan(0);
      expect(String(row.code).length).toBeGreaterThanOrEqual(4);
      expect(String(row.code).length).toBeLessThanOrEqual(12);
      expect(String(row.sku)).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof row.attributes).toBe('object');
      expect(String(row.warehouse_ip)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(String(row.checksum)).toMatch(/^\\x[0-9a-f]{16}$/i);
    }

    const orders = rowsOf(result, 'orders');
    const customerIds = new Set(column(customers, 'id'));
    for (const row of orders) {
      expect(['pending', 'paid', 'shipped', 'cancelled']).toContain(row.status);
      expect(customerIds.has(row.customer_id ?? null)).toBe(true);
      if (row.shipped_at !== null) expect(String(row.placed_at) <= String(row.shipped_at)).toBe(true);
    }

    const items = rowsOf(result, 'order_items');
    const pairs = items.map((row) => `${row.order_id}/${row.product_id}`);
    expect(new Set(pairs).size).toBe(items.length);
    for (const row of items) {
      expect(Number(row.quantity)).toBeGreaterThan(0);
      expect(Number(row.quantity)).toBeLessThanOrEqual(50);
      expect(row).not.toHaveProperty('line_total');
    }
    const sql = result.files[0]?.text ?? '';
    expect(result.files[0]?.path).toBe('seeds/seed_order_items.sql');
    expect(sql).toContain(`SELECT setval(pg_get_serial_sequence('"customers"', 'id')`);
    expect(sql).not.toContain('line_total');
  }, 120_000);

  it('takes the tables new between two schemas when none are named', async () => {
    const result = await generateSeed({
      root: FIXTURE,
      from: 'sql:schema-before.sql',
      to: 'sql:schema.sql',
      rows: 3,
      format: 'sql',
    });
    expect(result.tables.filter((table) => table.reason === 'requested').map((table) => table.name)).toEqual([
      'products',
      'order_items',
    ]);
    expect(result.provenRows).toBe(12);
  }, 120_000);

  it('refuses a table that is not in the schema, with a fix', async () => {
    const error = await shop({ schema: 'sql:schema.sqlite.sql', engine: 'sqlite', tables: ['invoices'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).what).toContain('Table "invoices" is not in the schema');
  }, 120_000);

  it('names the table, row and constraint when no row can satisfy a CHECK', async () => {
    const error = await generateSeed({
      root: FIXTURE,
      schema: 'sql:impossible.sql',
      tables: ['gauges'],
      rows: 2,
      format: 'sql',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).what).toMatch(/Row 1 of gauges was rejected .*constraint gauges_reading_check/);
  }, 120_000);
});

describe.skipIf(!postgres.available)('generate_seed on a PostgreSQL server shadow', () => {
  it('proves every row on a database created and dropped on the server', async () => {
    const result = await shop({ rows: 6, shadowUrl: POSTGRES_URL });
    expect(result.provenRows).toBe(24);
    expect(result.shadow).toMatch(/dma_shadow_/);
  });

  it('gives the same rows for the same seed and different rows for another seed', async () => {
    const first = await shop({ rows: 5, shadowUrl: POSTGRES_URL });
    const again = await shop({ rows: 5, shadowUrl: POSTGRES_URL });
    const other = await shop({ rows: 5, seed: 2, shadowUrl: POSTGRES_URL });
    expect(again.files).toEqual(first.files);
    expect(again.plan.tables).toEqual(first.plan.tables);
    expect(other.files[0]?.text).not.toEqual(first.files[0]?.text);
  });
});

describe('generate_seed on SQLite', () => {
  it('proves every row in memory and writes SQLite booleans as 0/1', async () => {
    const result = await generateSeed({
      root: FIXTURE,
      schema: 'sql:schema.sqlite.sql',
      engine: 'sqlite',
      tables: ['posts'],
      rows: 10,
      format: 'sql',
    });
    expect(result.provenRows).toBe(20);
    const posts = rowsOf(result, 'posts');
    for (const row of posts) {
      expect(['draft', 'published', 'archived']).toContain(row.status);
      expect(String(row.slug).length).toBeLessThanOrEqual(40);
      if (row.price !== null) expect(Number(row.price)).toBeGreaterThanOrEqual(0);
    }
    for (const row of rowsOf(result, 'authors')) expect([1, 2, 3, 4, 5]).toContain(row.rating);
    expect(result.files[0]?.text).toMatch(/, [01], /);
  });

  it('points a self-reference at earlier rows and gives each parent one row under a unique foreign key', async () => {
    const result = await generateSeed({
      root: FIXTURE,
      schema: 'sql:schema.sqlite.sql',
      engine: 'sqlite',
      tables: ['categories', 'author_profiles'],
      rows: 8,
      format: 'sql',
    });
    expect(result.provenRows).toBe(24);
    const categories = rowsOf(result, 'categories');
    categories.forEach((row, index) => {
      if (row.parent_id !== null) expect(Number(row.parent_id)).toBeLessThanOrEqual(index);
    });
    expect(categories.some((row) => row.parent_id !== null)).toBe(true);
    expect(new Set(column(categories, 'name')).size).toBe(8);
    expect(new Set(column(rowsOf(result, 'author_profiles'), 'author_id')).size).toBe(8);
  });

  it("defaults to the project's migrations replayed on the shadow", async () => {
    const migrations = path.join(import.meta.dirname, '../fixtures/shadow-sqlite/migrations');
    const project = tempProject(
      Object.fromEntries(
        ['0001_users.up.sql', '0002_orders.up.sql', '0003_display_name.up.sql'].map((file) => [
          `migrations/${file}`,
          readFileSync(path.join(migrations, file), 'utf8'),
        ]),
      ),
    );
    try {
      const result = await generateSeed({ root: project.dir, engine: 'sqlite', tables: ['orders'], rows: 4 });
      expect(result.schema).toBe('3 golang-migrate migration(s) in migrations');
      expect(result.format).toBe('sql');
      expect(result.provenRows).toBe(8);
      expect(
        rowsOf(result, 'users').every((row) => typeof row.display_name === 'string' || row.display_name === null),
      ).toBe(true);
    } finally {
      project.cleanup();
    }
  });

  it('asks for tables when none are named and the project has no schema file to diff', async () => {
    const project = tempProject({ 'README.md': '# nothing here\n' });
    try {
      const error = await generateSeed({ root: project.dir, engine: 'sqlite' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('seed-tables-unknown');
      expect((error as UserError).fix).toContain('Name the tables to seed');
    } finally {
      project.cleanup();
    }
  });

  it('is deterministic per seed value', async () => {
    const run = (seed: number) =>
      generateSeed({
        root: FIXTURE,
        schema: 'sql:schema.sqlite.sql',
        engine: 'sqlite',
        tables: ['posts'],
        rows: 6,
        seed,
        format: 'sql',
      });
    const [first, again, other] = [await run(7), await run(7), await run(8)];
    expect(again.files).toEqual(first.files);
    expect(other.files).not.toEqual(first.files);
    expect(other.plan.tables[1]?.rows).not.toEqual(first.plan.tables[1]?.rows);
  });
});

describe.skipIf(!mysql.available)('generate_seed on MariaDB', () => {
  it('honours ENUM, CHECK, unsigned ranges and JSON, and proves every row on the server', async () => {
    const result = await generateSeed({
      root: FIXTURE,
      schema: 'sql:schema.mysql.sql',
      engine: 'mysql',
      shadowUrl: MYSQL_URL,
      tables: ['orders'],
      rows: 8,
      format: 'sql',
    });
    expect(result.provenRows).toBe(16);
    for (const row of rowsOf(result, 'orders')) {
      expect(['pending', 'paid', 'shipped']).toContain(row.status);
      expect(Number(row.quantity)).toBeGreaterThanOrEqual(1);
      expect(Number(row.quantity)).toBeLessThanOrEqual(50);
    }
    expect(
      column(rowsOf(result, 'orders'), 'metadata').some((value) => typeof value === 'object' && value !== null),
    ).toBe(true);
    expect(result.files[0]?.text).toContain('INSERT INTO `customers`');
  }, 60_000);
});
