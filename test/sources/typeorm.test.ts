import { readdirSync } from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { changes, fixture, loadWithTsx } from './tool-runs.js';

const withParameters = (sql: string, parameters?: unknown[]) =>
  parameters && parameters.length > 0 ? `${sql} -- parameters: ${JSON.stringify(parameters)}` : sql;

/** TypeORM's own migration runner over the fixture classes, logging every query it executes. */
async function runWithTypeorm(
  options: Record<string, unknown>,
  directories: string[],
): Promise<{ up: string[]; down: string[] }> {
  const executed: string[] = [];
  const logger: Logger = {
    logQuery: (query, parameters) => void executed.push(withParameters(query, parameters)),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  // In the order given: TypeORM itself orders the classes by the timestamp ending their names.
  const migrations = directories.flatMap((directory) =>
    readdirSync(directory)
      .sort()
      .flatMap((file) => Object.values(loadWithTsx(path.join(directory, file))) as (new () => unknown)[]),
  );
  const dataSource = new DataSource({ ...options, migrations, logging: true, logger } as ConstructorParameters<
    typeof DataSource
  >[0]);
  await dataSource.initialize();
  try {
    executed.length = 0;
    await dataSource.runMigrations({ transaction: 'each' });
    const up = changes(executed.splice(0));
    // TypeORM's undo ignores `transaction = false` on the class: the CONCURRENTLY migration needs mode 'none'.
    for (const migration of [...migrations].reverse()) {
      const transactional = (new migration() as { transaction?: boolean }).transaction !== false;
      await dataSource.undoLastMigration({ transaction: transactional ? 'each' : 'none' });
    }
    return { up, down: changes(executed.splice(0)) };
  } finally {
    await dataSource.destroy();
  }
}

const ours = (migrations: Migration[]) => ({
  up: changes(migrations.flatMap((migration) => migration.up.map((statement) => statement.sql))),
  down: changes(
    [...migrations].reverse().flatMap((migration) => (migration.down ?? []).map((statement) => statement.sql)),
  ),
});

describe('TypeORM on PostgreSQL', () => {
  const root = fixture('sources-typeorm-pg');

  it('orders by class-name timestamp and keeps the .ts line of each queryRunner call', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'typeorm', directory: 'src/migrations', engine: 'postgresql', errors: [] });
    expect(result.migrations.map((migration) => [migration.name, migration.transactional])).toEqual([
      ['CreateUsers1700000000000', true],
      ['AddPosts1700000000001', true],
      ['PostsIndex1700000000002', false],
    ]);
    const [users, posts] = result.migrations;
    expect(users?.up.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      [
        'CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" varchar(200) NOT NULL, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
        5,
      ],
      ['CREATE UNIQUE INDEX "users_email_idx" ON "users"  ("email") ', 14],
    ]);
    expect(posts?.up.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      ['CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY, "user_id" integer NOT NULL REFERENCES "users" ("id"))', 5],
      ['ALTER TABLE "users" ADD "display_name" varchar', 6],
    ]);
    expect(posts?.down?.map((statement) => statement.origin?.line)).toEqual([10, 11]);
  });

  it('one migration asked for: earlier migrations are replayed for the schema API, only that one returned', async () => {
    const result = await readMigrations(root, {
      path: 'src/migrations/1700000000001-AddPosts.ts',
      executeProjectCode: true,
    });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => [migration.name, migration.up.length])).toEqual([
      ['AddPosts1700000000001', 2],
    ]);
  });

  it('compiles exactly the SQL TypeORM runs against a real PostgreSQL (run, then revert all)', async () => {
    if (!(await postgresAvailable()).available) return;
    const database = uniqueName('sources_typeorm');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    try {
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      const ran = await runWithTypeorm({ type: 'postgres', url: url.toString() }, [path.join(root, 'src/migrations')]);
      expect(ran.up.length).toBe(5);
      const result = await readMigrations(root, { executeProjectCode: true });
      expect(ours(result.migrations)).toEqual(ran);
    } finally {
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
    }
  });
});

describe('TypeORM: the folders of one DataSource (twenty: core/migrations/common + billing)', () => {
  const root = fixture('sources-typeorm-datasource-folders');

  it('are one folder read in timestamp order, as TypeORM runs them against a real PostgreSQL', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ directory: 'src/migrations/common', alongside: ['src/migrations/billing'] });
    expect(result.migrations.map((migration) => migration.name)).toEqual([
      'CreateWorkspace1700000000000',
      'CreateSubscription1700000000001',
      'AddWorkspaceName1700000000002',
    ]);
    if (!(await postgresAvailable()).available) return;
    const database = uniqueName('sources_typeorm_folders');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    try {
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      const folders = ['src/migrations/billing', 'src/migrations/common'].map((folder) => path.join(root, folder));
      expect(ours(result.migrations)).toEqual(await runWithTypeorm({ type: 'postgres', url: url.toString() }, folders));
    } finally {
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
    }
  });

  it('check of the billing folder knows the tables the common folder created before it', async () => {
    const { out } = await runCli(['check', 'src/migrations/billing', '--execute', '--format', 'json'], { cwd: root });
    const result = JSON.parse(out) as { files: Array<{ file: string; findings: Array<{ ruleId: string }> }> };
    expect(result.files.map((file) => file.file)).toEqual([
      'src/migrations/billing/1700000000001-CreateSubscription.ts',
    ]);
    expect(result.files[0]?.findings.map((finding) => finding.ruleId)).not.toContain('unknown-table');
  });
});

describe('TypeORM on MariaDB/MySQL', () => {
  const root = fixture('sources-typeorm-mysql');

  it('compiles exactly the SQL TypeORM runs against a real MariaDB', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'typeorm', engine: 'mysql', errors: [] });
    expect(result.migrations[0]?.down?.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      ['DROP INDEX `users_email_idx` ON `users`', 18],
      ['DROP TABLE `users`', 19],
    ]);
    if (!(await mysqlAvailable()).available) return;
    const database = uniqueName('sources_typeorm');
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`create database \`${database}\``);
    try {
      const url = new URL(MYSQL_URL);
      url.pathname = `/${database}`;
      const ran = await runWithTypeorm({ type: 'mysql', url: url.toString() }, [path.join(root, 'src/migrations')]);
      expect(ran.up.length).toBe(5);
      expect(ours(result.migrations)).toEqual(ran);
    } finally {
      await admin.query(`drop database if exists \`${database}\``);
      await admin.end();
    }
  });
});

describe('TypeORM on SQLite', () => {
  it('records the table rebuild TypeORM does for addColumn, exactly as it runs on better-sqlite3', async () => {
    const root = fixture('sources-typeorm-sqlite');
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'typeorm', engine: 'sqlite', errors: [] });
    expect(result.migrations[1]?.up.map((statement) => statement.origin?.line)).toEqual(
      result.migrations[1]?.up.map(() => 5),
    );
    expect(
      result.migrations[1]?.up.some((statement) => statement.sql.startsWith('CREATE TABLE "temporary_users"')),
    ).toBe(true);
    const ran = await runWithTypeorm({ type: 'better-sqlite3', database: ':memory:' }, [
      path.join(root, 'src/migrations'),
    ]);
    expect(ran.up.length).toBeGreaterThan(4);
    expect(ours(result.migrations)).toEqual(ran);
  });
});
