import { readdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { fixture, loadWithTsx, migrationStatements } from './tool-runs.js';

/** knex's own migrator over the fixture folder, recording every query it sends (with bindings inlined). */
async function runWithKnex(config: Knex.Config, directory: string): Promise<{ up: string[]; down: string[] }> {
  const instance = knexFactory(config);
  const executed: string[] = [];
  instance.on('query', (query: { sql: string; bindings?: unknown[] }) => {
    const client = instance.client as unknown as { _escapeBinding(value: unknown, options: object): string };
    const bindings = [...(query.bindings ?? [])];
    executed.push(
      query.sql.replace(/\$(\d+)|\?/g, (match, index) => {
        const value = index ? bindings[Number(index) - 1] : bindings.shift();
        return value === undefined ? match : client._escapeBinding(value, {});
      }),
    );
  });
  const files = readdirSync(directory)
    .filter((file) => /\.(ts|js)$/.test(file))
    .sort();
  const migrationSource = {
    getMigrations: async () => files,
    getMigrationName: (file: string) => file,
    getMigration: async (file: string) => loadWithTsx(path.join(directory, file)),
  };
  try {
    await instance.migrate.latest({ migrationSource });
    const up = migrationStatements(executed.splice(0));
    await instance.migrate.rollback({ migrationSource }, true);
    return { up, down: migrationStatements(executed.splice(0)) };
  } finally {
    await instance.destroy();
  }
}

const ours = (migrations: Migration[]) => ({
  up: migrationStatements(migrations.flatMap((migration) => migration.up.map((statement) => statement.sql))),
  down: migrationStatements(
    [...migrations].reverse().flatMap((migration) => (migration.down ?? []).map((statement) => statement.sql)),
  ),
});

describe('knex on PostgreSQL', () => {
  const root = fixture('sources-knex-pg');
  const schema = uniqueName('sources_knex');
  let available = false;
  let admin: Knex | undefined;
  beforeAll(async () => {
    available = (await postgresAvailable()).available;
    if (!available) return;
    admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
    await admin.raw(`create schema "${schema}"`);
  });
  afterAll(async () => {
    await admin?.raw(`drop schema if exists "${schema}" cascade`);
    await admin?.destroy();
  });

  it('reads the knexfile, orders by file name and keeps the .ts/.js line of each builder call', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'knex', directory: 'migrations', engine: 'postgresql', errors: [] });
    expect(result.migrations.map((migration) => migration.path)).toEqual([
      'migrations/20240101000000_create_users.ts',
      'migrations/20240102000000_add_orders.js',
      'migrations/20240103000000_users_display_name.ts',
    ]);
    const [users, orders, display] = result.migrations;
    expect(users?.up.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      [
        'create table "users" ("id" serial primary key, "email" varchar(320) not null, "created_at" timestamptz not null default CURRENT_TIMESTAMP, "updated_at" timestamptz not null default CURRENT_TIMESTAMP)',
        4,
      ],
      ['alter table "users" add constraint "users_email_unique" unique ("email")', 4],
    ]);
    expect(orders?.up.map((statement) => statement.origin?.line)).toEqual([2, 2, 7]);
    expect(orders?.up[2]?.sql).toBe('create index orders_user_id_idx on orders (user_id)');
    expect(display?.transactional).toBe(false);
    expect(display?.up.map((statement) => [statement.sql, statement.origin])).toEqual([
      [
        'create index concurrently users_created_at_idx on users (created_at)',
        { file: 'migrations/20240103000000_users_display_name.ts', line: 6, column: 14 },
      ],
      [
        'alter table "users" add column "display_name" varchar(255)',
        { file: 'migrations/20240103000000_users_display_name.ts', line: 7, column: 14 },
      ],
      [
        'update "users" set "display_name" = \'anonymous\' where "display_name" is null',
        { file: 'migrations/20240103000000_users_display_name.ts', line: 10, column: 9 },
      ],
    ]);
    expect(display?.down?.map((statement) => statement.origin?.line)).toEqual([14, 17]);
  });

  it('compiles exactly the SQL knex runs against a real PostgreSQL (up, then rollback)', async () => {
    if (!available) return;
    const result = await readMigrations(root, { executeProjectCode: true });
    const ran = await runWithKnex(
      { client: 'pg', connection: POSTGRES_URL, searchPath: [schema] },
      path.join(root, 'migrations'),
    );
    expect(ran.up.length).toBeGreaterThan(5);
    expect(ours(result.migrations)).toEqual(ran);
  });
});

describe('knex hasColumn guards, recorded without a database', () => {
  const root = fixture('sources-knex-guarded');
  const schema = uniqueName('sources_knex_guarded');
  let available = false;
  let admin: Knex | undefined;
  beforeAll(async () => {
    available = (await postgresAvailable()).available;
    if (!available) return;
    admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
    await admin.raw(`create schema "${schema}"`);
  });
  afterAll(async () => {
    await admin?.raw(`drop schema if exists "${schema}" cascade`);
    await admin?.destroy();
  });

  it('see the columns earlier statements created, added, renamed and dropped, as on a real PostgreSQL', async () => {
    if (!available) return;
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const ran = await runWithKnex(
      { client: 'pg', connection: POSTGRES_URL, searchPath: [schema] },
      path.join(root, 'migrations'),
    );
    expect(ran.up).toContain('alter table "accounts" drop column "legacy"');
    expect(ours(result.migrations)).toEqual(ran);
  });
});

describe('knex on MariaDB/MySQL', () => {
  const root = fixture('sources-knex-mysql');
  const database = uniqueName('sources_knex');
  let available = false;
  let admin: Knex | undefined;
  beforeAll(async () => {
    available = (await mysqlAvailable()).available;
    if (!available) return;
    admin = knexFactory({ client: 'mysql2', connection: MYSQL_URL });
    await admin.raw(`create database \`${database}\``);
  });
  afterAll(async () => {
    await admin?.raw(`drop database if exists \`${database}\``);
    await admin?.destroy();
  });

  it('compiles exactly the SQL knex runs against a real MariaDB', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'knex', engine: 'mysql', errors: [] });
    expect(result.migrations[1]?.up.map((statement) => statement.origin?.line)).toEqual([4, 4, 9]);
    if (!available) return;
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    const ran = await runWithKnex({ client: 'mysql2', connection: url.toString() }, path.join(root, 'migrations'));
    expect(ran.up.length).toBeGreaterThan(4);
    expect(ours(result.migrations)).toEqual(ran);
  });
});

describe('knex on SQLite', () => {
  const root = fixture('sources-knex-sqlite');

  it('one migration asked for: the ones before it still build the SQLite schema it compiles against', async () => {
    const result = await readMigrations(root, { path: 'db/migrations/002_drop_tag.ts', executeProjectCode: true });
    expect(result.errors).toEqual([]);
    expect(result.migrations).toHaveLength(1);
    expect(result.migrations[0]?.up.some((statement) => statement.sql === 'DROP TABLE "notes"')).toBe(true);
  });

  it('compiles alterTable against an in-memory database holding the schema so far, as knex runs it', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'knex', directory: 'db/migrations', engine: 'sqlite', errors: [] });
    const dropTag = result.migrations[1];
    expect(
      dropTag?.up.some((statement) =>
        /^INSERT INTO "_knex_temp_alter\d+" SELECT "id", "body" FROM "notes";$/.test(statement.sql),
      ),
    ).toBe(true);
    expect(dropTag?.up.every((statement) => statement.origin?.line === 4)).toBe(true);
    const ran = await runWithKnex(
      { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true },
      path.join(root, 'db/migrations'),
    );
    expect(ran.up.length).toBeGreaterThan(6);
    expect(ours(result.migrations)).toEqual(ran);
  });
});

describe('knex ES modules', () => {
  it('loads ESM .js ("type": "module"), .mjs and top-level await, keeping source lines', async () => {
    const result = await readMigrations(fixture('sources-knex-esm'), { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'knex', engine: 'mysql', errors: [] });
    expect(
      result.migrations.map((migration) => [migration.path, migration.up[0]?.origin?.line, migration.up[0]?.sql]),
    ).toEqual([
      ['migrations/001_a.js', 2, 'create table `a` (`id` int unsigned not null auto_increment primary key)'],
      ['migrations/002_b.mjs', 2, 'create table `b` (`id` int unsigned not null auto_increment primary key)'],
      ['migrations/003_c.mjs', 3, 'create table `c` (`id` int unsigned not null auto_increment primary key)'],
    ]);
  });
});
