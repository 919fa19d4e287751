import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrationClass } from '../../src/sources/formats/mikro-orm.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, throwAwaySchema } from '../helpers/databases.js';
import { fixture } from './tool-runs.js';

/** [sql, file, line] of each statement: where a reviewer finds it. */
const located = (migration: Migration | undefined, direction: 'up' | 'down' = 'up') =>
  (migration?.[direction] ?? []).map((statement) => [
    statement.sql,
    statement.origin?.file ?? migration?.path,
    statement.origin?.line ?? statement.span.start.line,
  ]);

describe('MikroORM, read statically', () => {
  const root = fixture('sources-mikro-orm');

  it('reads the addSql string literals in class-name order, with their lines, without running code', async () => {
    const result = await readMigrations(root);
    expect(result).toMatchObject({ format: 'mikro-orm', directory: 'src/migrations', engine: 'postgresql' });
    expect(result.migrations.map((migration) => [migration.id, migration.name, migration.transactional])).toEqual([
      ['Migration20240101120000', 'Migration20240101120000', true],
      ['Migration20240102090000_indexes', 'indexes', false],
      ['Migration20240103100000', 'Migration20240103100000', true],
    ]);
    const [first, indexes, email] = result.migrations;
    const file = 'src/migrations/Migration20240101120000.ts';
    expect(located(first)).toEqual([
      ['create table "author" ("id" serial primary key, "name" varchar(255) not null)', file, 5],
      [
        'create table "book" ("id" serial primary key, "title" text not null, "author_id" int not null references "author" ("id"))',
        file,
        6,
      ],
    ]);
    expect(located(first, 'down')).toEqual([
      ['drop table if exists "book" cascade', file, 13],
      ['drop table if exists "author" cascade', file, 14],
    ]);
    expect(located(indexes)).toEqual([
      [
        'create index concurrently "book_author_id_index"\n  on "book" ("author_id")',
        'src/migrations/Migration20240102090000_indexes.ts',
        10,
      ],
    ]);
    // down() throws: irreversible by design, and the up is still read.
    expect(indexes?.down).toBeUndefined();
    expect(indexes?.notes.join(' ')).toMatch(/down\(\) throws.*irreversible/);
    // Two statements in one literal: each keeps its own column on the line.
    expect(email?.up.map((statement) => [statement.sql, statement.origin?.line, statement.origin?.column])).toEqual([
      ['alter table "author" add column "email" varchar(320) null', 5, 18],
      ['create unique index "author_email_unique" on "author" ("email")', 5, 77],
    ]);
    expect(email?.down).toBeUndefined();
  });

  it('reports what is not statically known by line instead of skipping it', async () => {
    const result = await readMigrations(root);
    expect(result.errors.map((error) => [error.path, error.error.code, error.error.where?.line])).toEqual([
      ['src/migrations/Migration20240102090000_indexes.ts', 'sql-not-static', 13],
      ['src/migrations/Migration20240103100000.ts', 'sql-not-static', 6],
    ]);
    expect(result.errors[0]?.error.what).toContain('template literal has substitutions');
    expect(result.errors[1]?.error.what).toContain('this.getKnex()');
  });

  it('one file asked for', async () => {
    const result = await readMigrations(root, { path: 'src/migrations/Migration20240103100000.ts' });
    expect(result.migrations.map((migration) => migration.id)).toEqual(['Migration20240103100000']);
  });
});

describe('MikroORM: every script of the folder, as its default glob !(*.d).{js,ts,cjs} takes them (Medusa)', () => {
  const root = fixture('sources-mikro-orm-medusa');
  const STORE = 'src/migrations/Migration20240716081800.ts';

  it('reads InitialSetup….ts too, in file-name order, each named by its file (MikroORM records that name)', async () => {
    const result = await readMigrations(root);
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => migration.id)).toEqual([
      'InitialSetup20240227075933',
      'Migration20240621145944',
      'Migration20240716081800',
    ]);
  });

  it('reads `const sql = `…`; this.addSql(sql)` as the literal, at the lines of the const', async () => {
    const result = await readMigrations(root, { path: STORE });
    expect(result.errors).toEqual([]);
    expect(located(result.migrations[0])).toEqual([
      ['ALTER TABLE "store" ADD COLUMN IF NOT EXISTS "deleted_at" timestamptz NULL', STORE, 6],
      ['CREATE INDEX IF NOT EXISTS "IDX_store_deleted_at" ON "store" (deleted_at)', STORE, 8],
    ]);
  });

  it('a name that is not one const of literals stays not statically known, and says why', () => {
    const migration = (body: string) =>
      readMigrationClass(`class M extends Migration {\n  async up() {\n${body}\n  }\n}`, 'M.ts', 'postgresql');
    const reasons = (body: string) =>
      migration(body).errors.map((error) => error.error.what.replace(/^.*\(|\).*$/gs, ''));
    expect(reasons('    const sql = `select $' + '{n}`\n    this.addSql(sql)')).toEqual([
      'its argument `sql` is the const of line 3, and its template literal has substitutions',
    ]);
    expect(reasons("    let sql = 'select 1'\n    sql += ', 2'\n    this.addSql(sql)")).toEqual([
      'its argument `sql` is not a string literal',
    ]);
    expect(reasons("    const sql = 'select 1'.trim()\n    this.addSql(sql)")).toHaveLength(1);
    expect(
      migration("    const sql = 'select 1' +\n      ', 2'\n    this.addSql(sql)").migration?.up.map((s) => s.sql),
    ).toEqual(['select 1, 2']);
  });

  describe('on PostgreSQL', () => {
    const database = throwAwaySchema('sources_mikro_medusa');

    it('the statements read, in the order read, apply: the foreign key finds the table InitialSetup creates', async () => {
      if (!database.available) return;
      const { migrations } = await readMigrations(root);
      const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${database.name}"` });
      await client.connect();
      try {
        for (const migration of migrations) for (const statement of migration.up) await client.query(statement.sql);
        const { rows } = await client.query(
          "select conrelid::regclass::text as child, confrelid::regclass::text as parent from pg_constraint where conname = 'store_currency_store_id_foreign'",
        );
        expect(rows).toEqual([{ child: 'store_currency', parent: 'store' }]);
      } finally {
        await client.end();
      }
    });
  });
});

describe('db-migrate, read statically', () => {
  const root = fixture('sources-db-migrate');

  it('reads runSql literals and the sqls/ files in file-name order, with the engine from database.json', async () => {
    const result = await readMigrations(root);
    expect(result).toMatchObject({ format: 'db-migrate', directory: 'migrations', engine: 'postgresql' });
    expect(result.migrations.map((migration) => migration.path)).toEqual([
      'migrations/20240101120000-create-accounts.js',
      'migrations/20240102120000-add-plans.js',
      'migrations/20240103120000-audit.js',
      'migrations/20240104120000-billing.js',
    ]);
    const [accounts, plans, audit, billing] = result.migrations;
    const accountsFile = 'migrations/20240101120000-create-accounts.js';
    expect(located(accounts)).toEqual([
      ['CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL)', accountsFile, 14],
      ['CREATE UNIQUE INDEX accounts_email_key ON accounts (email)', accountsFile, 14],
    ]);
    expect(located(accounts, 'down')).toEqual([['DROP TABLE accounts', accountsFile, 21]]);
    expect(located(plans)).toEqual([
      [
        'CREATE TABLE plans (id serial PRIMARY KEY, name text NOT NULL)',
        'migrations/sqls/20240102120000-add-plans-up.sql',
        2,
      ],
      [
        'ALTER TABLE accounts ADD COLUMN plan_id integer REFERENCES plans (id)',
        'migrations/sqls/20240102120000-add-plans-up.sql',
        3,
      ],
    ]);
    expect(located(plans, 'down')).toEqual([
      ['ALTER TABLE accounts DROP COLUMN plan_id', 'migrations/sqls/20240102120000-add-plans-down.sql', 1],
      ['DROP TABLE plans', 'migrations/sqls/20240102120000-add-plans-down.sql', 2],
    ]);
    expect(located(audit)).toEqual([
      ['CREATE INDEX audit_entry_idx ON audit (entry)', 'migrations/20240103120000-audit.js', 8],
    ]);
    expect(audit?.down).toEqual([]);
    expect(audit?.notes.join(' ')).toContain('down runs no SQL');
    // The module builds the file name at run time (`${file}-up.sql` with `const file = '…'`) and reads it from
    // another folder: the one file of that name in the folder the module names (not the archived copy).
    expect(located(billing)).toEqual([
      [
        'CREATE TABLE invoices (\n  id serial PRIMARY KEY,\n  account_id integer NOT NULL REFERENCES accounts (id)\n)',
        'modules/billing/sqls/20240104120000-billing-tables-up.sql',
        1,
      ],
    ]);
    expect(located(billing, 'down')).toEqual([
      ['DROP TABLE invoices', 'modules/billing/sqls/20240104120000-billing-tables-down.sql', 1],
    ]);
  });

  it('reports a builder call (db.createTable) by line: its SQL comes from the driver at run time', async () => {
    const result = await readMigrations(root);
    expect(result.errors).toEqual([
      {
        path: 'migrations/20240103120000-audit.js',
        error: expect.objectContaining({
          code: 'sql-not-static',
          where: { file: 'migrations/20240103120000-audit.js', line: 4, column: 9 },
        }),
      },
    ]);
  });

  it('an sqls/ file asked for selects its migration; the sqls/ files are never migrations of their own', async () => {
    const result = await readMigrations(root, { path: 'migrations/sqls/20240102120000-add-plans-down.sql' });
    expect(result.format).toBe('db-migrate');
    expect(result.migrations.map((migration) => migration.path)).toEqual(['migrations/20240102120000-add-plans.js']);
  });
});

describe('db-migrate builder calls, with executeProjectCode', () => {
  const root = fixture('sources-db-migrate');

  it("records db.createTable through the project's db-migrate-pg in dry-run mode, with the call's line", async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const audit = result.migrations.find((migration) => migration.id === '20240103120000');
    expect(audit?.up.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      ['CREATE TABLE  "audit" ("id"   SERIAL PRIMARY KEY, "entry" VARCHAR  )', 4],
      ['CREATE INDEX audit_entry_idx ON audit (entry)', 8],
    ]);
    expect(audit?.down).toEqual([]);
    expect(audit?.notes.join(' ')).toMatch(/db-migrate-pg .* dry-run mode/);
    // Migrations whose SQL is all literal are still read statically.
    expect(result.migrations[0]?.notes.join(' ')).not.toMatch(/dry-run/);
  });

  describe('against PostgreSQL with the same driver connected', () => {
    const database = throwAwaySchema('sources_dbm');
    const schema = database.name;

    it('the driver sends the SQL we recorded', async () => {
      if (!database.available) return;
      const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${schema}"` });
      const sent: string[] = [];
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') sent.push(args[0].trim().replace(/;\s*$/, ''));
        return query(...args);
      };
      const requireHere = createRequire(import.meta.url);
      const { connect } = requireHere('db-migrate-pg') as {
        connect: (config: object, intern: object, callback: (error: unknown, driver: object) => void) => void;
      };
      const { dataType } = requireHere('db-migrate-shared') as { dataType: object };
      const quiet = () => undefined;
      const log = { sql: quiet, info: quiet, verbose: quiet, warn: quiet, error: quiet, silence: quiet };
      const driver = await new Promise<object>((resolve, reject) =>
        connect({ db: client }, { mod: { log, type: dataType }, notransactions: true }, (error, created) =>
          error ? reject(error) : resolve(created),
        ),
      );
      const migration = requireHere(path.join(root, 'migrations/20240103120000-audit.js')) as {
        up: (db: object) => Promise<unknown>;
      };
      try {
        await migration.up(driver);
      } finally {
        await client.end();
      }
      const ours = await readMigrations(root, {
        executeProjectCode: true,
        path: 'migrations/20240103120000-audit.js',
      });
      expect(sent).toHaveLength(2);
      expect(sent).toEqual(ours.migrations[0]?.up.map((statement) => statement.sql));
    });
  });
});
