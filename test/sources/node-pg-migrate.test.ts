import path from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { splitSql } from '../../src/sql/split.js';
import { POSTGRES_URL, throwAwaySchema } from '../helpers/databases.js';
import { tempProject } from '../project/helpers.js';
import { fixture } from './tool-runs.js';

const root = fixture('sources-node-pg-migrate');
const at = (migration: Migration | undefined, direction: 'up' | 'down' = 'up') =>
  (migration?.[direction] ?? []).map((statement) => [
    statement.sql,
    statement.origin?.line ?? statement.span.start.line,
  ]);

/** Statements as the server received them: ledger, locking and transaction control left out, comments dropped. */
function migrationSql(queries: string[]): string[] {
  return queries
    .filter(
      (sql) =>
        !/pgmigrations|advisory_lock|search_path|information_schema|pg_catalog|CREATE SCHEMA/i.test(sql) &&
        !/^\s*(BEGIN|COMMIT|ROLLBACK);?\s*$/i.test(sql),
    )
    .flatMap((sql) => splitSql(sql, 'generic').map((statement) => statement.sql))
    .map((sql) => sql.replace(/^(\s*--[^\n]*\n)+/, '').trim())
    .filter((sql) => sql !== '');
}

describe('node-pg-migrate', () => {
  it('compiles JS/TS migrations with the project MigrationBuilder, in prefix order, with the pgm call lines', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'node-pg-migrate', directory: 'migrations', engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => [migration.path, migration.transactional])).toEqual([
      ['migrations/1700000000000_create-users.js', true],
      ['migrations/1700000000001_add-orders.ts', true],
      ['migrations/1700000000002_orders-index.js', false],
      ['migrations/1700000000003_backfill.sql', true],
      ['migrations/1700000000004_audit.js', true],
    ]);
    const [users, orders, index, backfill, audit] = result.migrations;
    // The `id` and `createdAt` shorthands exported by the first migration apply to the later ones too.
    expect(at(users)).toEqual([
      [
        'CREATE TABLE "users" (\n  "id" serial PRIMARY KEY,\n  "email" varchar(320) UNIQUE NOT NULL,\n  "created_at" timestamptz DEFAULT now() NOT NULL\n)',
        7,
      ],
      ['CREATE INDEX "users_created_at_index" ON "users" ("created_at")', 12],
    ]);
    expect(at(orders)).toEqual([
      [
        'CREATE TABLE "orders" (\n  "id" serial PRIMARY KEY,\n  "user_id" integer NOT NULL REFERENCES "users" ON DELETE CASCADE,\n  "total_cents" integer DEFAULT 0 NOT NULL\n)',
        4,
      ],
      ['ALTER TABLE "users"\n  ADD "display_name" text', 9],
    ]);
    expect(at(orders, 'down')).toEqual([
      ['ALTER TABLE "users"\n  DROP "display_name"', 13],
      ['DROP TABLE "orders"', 14],
    ]);
    // No down export: node-pg-migrate reverses up(); pgm.noTransaction() takes it out of the transaction.
    expect(at(index)).toEqual([['CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders" ("user_id")', 3]]);
    expect(at(index, 'down')).toEqual([['DROP INDEX CONCURRENTLY "orders_user_id_idx"', 3]]);
    expect(at(backfill)).toEqual([
      ['UPDATE users SET display_name = email WHERE display_name IS NULL', 2],
      ['ALTER TABLE users ALTER COLUMN display_name SET NOT NULL', 3],
    ]);
    expect(at(backfill, 'down')).toEqual([['ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL', 6]]);
    expect(at(audit)).toEqual([
      ['CREATE TABLE audit_log (id bigserial PRIMARY KEY, entry text NOT NULL)', 2],
      ["COMMENT ON TABLE audit_log IS 'append only'", 2],
    ]);
    expect(audit?.down).toBeUndefined();
    expect(audit?.notes.join(' ')).toMatch(/exports\.down = false.*irreversible/);
  });

  it('without executeProjectCode lists the JS/TS migrations as not compiled and still reads the SQL files', async () => {
    const result = await readMigrations(root);
    expect(result.migrations.map((migration) => migration.compiled)).toEqual([false, false, false, undefined, false]);
    expect(result.migrations[2]?.transactional).toBe(false);
    expect(result.migrations[3]?.up).toHaveLength(2);
  });

  it('one migration asked for: the earlier files still provide their shorthands', async () => {
    const result = await readMigrations(root, {
      path: 'migrations/1700000000001_add-orders.ts',
      executeProjectCode: true,
    });
    expect(result.migrations.map((migration) => migration.path)).toEqual(['migrations/1700000000001_add-orders.ts']);
    expect(result.migrations[0]?.up[0]?.sql).toContain('"id" serial PRIMARY KEY');
  });

  describe('against PostgreSQL with node-pg-migrate itself', () => {
    const database = throwAwaySchema('sources_npm');
    const schema = database.name;

    async function run(direction: 'up' | 'down'): Promise<string[]> {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      const queries: string[] = [];
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        queries.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
        return query(...args);
      };
      const silent = { debug() {}, info() {}, warn() {}, error() {} };
      try {
        await runner({
          dbClient: client,
          dir: path.join(root, 'migrations'),
          direction,
          count: Number.POSITIVE_INFINITY,
          migrationsTable: 'pgmigrations',
          schema,
          singleTransaction: true,
          noLock: true,
          logger: silent,
        });
      } finally {
        await client.end();
      }
      return migrationSql(queries);
    }

    it('our SQL is the SQL node-pg-migrate sends, up and then down', async () => {
      if (!database.available) return;
      const ours = await readMigrations(root, { executeProjectCode: true });
      const ranUp = await run('up');
      expect(ranUp).toHaveLength(9);
      expect(ranUp).toEqual(ours.migrations.flatMap((migration) => migration.up.map((statement) => statement.sql)));
      // The last migration is irreversible (`exports.down = false`): undo it by hand so the tool can go down.
      await database.query(`drop table "${schema}".audit_log`);
      await database.query(`delete from "${schema}".pgmigrations where name = '1700000000004_audit'`);
      const downs = [...ours.migrations]
        .reverse()
        .slice(1)
        .flatMap((migration) => (migration.down ?? []).map((statement) => statement.sql));
      expect(await run('down')).toEqual(downs);
    });
  });
});

describe('node-pg-migrate not installed in the project', () => {
  it('lists the migrations as not compiled and says why, even with executeProjectCode', async () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'no-install', scripts: { migrate: 'node-pg-migrate' } }),
      'migrations/1700000000000_init.js': "exports.up = (pgm) => {\n  pgm.createTable('t', { id: 'id' });\n};\n",
    });
    try {
      const result = await readMigrations(project.dir, { executeProjectCode: true });
      expect(result.format).toBe('node-pg-migrate');
      expect(result.migrations.map((migration) => [migration.id, migration.compiled])).toEqual([
        ['1700000000000', false],
      ]);
      expect(result.migrations[0]?.notes.join(' ')).toMatch(/node-pg-migrate is not installed in the project/);
    } finally {
      project.cleanup();
    }
  });
});
