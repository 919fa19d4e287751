import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkNamespace } from '../../src/sandbox/network-namespace.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL } from '../helpers/databases.js';
import {
  closeEscapeTarget,
  openEscapeTarget,
  settledSessions as settledTargetSessions,
  withSecrets,
} from '../helpers/server-sessions.js';
import { fixture } from '../sources/tool-runs.js';

/**
 * Issue 15 §1: migrations that attack the machine each get a clear per-file error, the good ones are still
 * recorded exactly, nothing is written, and a real PostgreSQL server sees no connection. The attacks target
 * the database `sandbox_escape_target` (only these tests use it), whose session counter
 * (pg_stat_database.sessions) would grow with any connection that reached the server.
 */
const TARGET_DATABASE = 'sandbox_escape_target';
const ESCAPED_FILES = [
  '/tmp/db-migration-agent-sandbox-escape.txt',
  path.join(fixture('sandbox-knex'), 'migrations/written-by-migration.txt'),
];
const SECRETS = {
  DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:5432/sandbox_escape_target',
  PGHOST: '127.0.0.1',
  PGUSER: 'postgres',
  PGDATABASE: TARGET_DATABASE,
  AWS_SECRET_ACCESS_KEY: 'not-for-migrations',
};

let admin: pg.Client | undefined;

const settledSessions = () => settledTargetSessions(admin, TARGET_DATABASE);

async function probeTableExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL.replace(/\/[^/]*$/, `/${TARGET_DATABASE}`) });
  await client.connect();
  try {
    const result = await client.query("select to_regclass('public.sandbox_escape_probe') as name");
    return result.rows[0]?.name !== null;
  } finally {
    await client.end();
  }
}

let restoreEnvironment = () => {};

beforeAll(async () => {
  for (const file of ESCAPED_FILES) rmSync(file, { force: true });
  admin = await openEscapeTarget(TARGET_DATABASE);
  restoreEnvironment = withSecrets(SECRETS);
});

afterAll(async () => {
  restoreEnvironment();
  await closeEscapeTarget(admin, TARGET_DATABASE);
});

describe('hostile migrations in the sandbox', () => {
  it('each attack is a per-file error, the good migrations are recorded, nothing is written or connected', async () => {
    const before = admin ? await settledSessions() : 0;
    if (admin) {
      // The counter works: one connection of our own is seen.
      const own = new pg.Client({ connectionString: POSTGRES_URL.replace(/\/[^/]*$/, `/${TARGET_DATABASE}`) });
      await own.connect();
      await own.end();
      expect(await settledSessions()).toBe(before + 1);
    }
    const baseline = admin ? await settledSessions() : 0;
    const result = await readMigrations(fixture('sandbox-knex'), { executeProjectCode: true, timeoutMs: 500 });

    expect(
      result.migrations.map((migration) => [migration.path, migration.up.map((statement) => statement.sql)]),
    ).toEqual([
      ['migrations/001_ok.js', ['create table "first" ("id" serial primary key)']],
      ['migrations/011_ok_after.ts', ['alter table "first" add column "name" varchar(80)']],
      [
        'migrations/012_lists_network.js',
        [networkNamespace().prefix.length > 0 ? "select 'none'" : expect.stringMatching(/^select '/)],
      ],
    ]);
    expect(result.migrations[1]?.up[0]?.origin).toEqual({ file: 'migrations/011_ok_after.ts', line: 4, column: 14 });

    const errors = Object.fromEntries(result.errors.map((error) => [error.path, error.error]));
    expect(Object.keys(errors).sort()).toEqual([
      'migrations/002_spawns_process.js',
      'migrations/003_writes_file.js',
      'migrations/004_reads_database_url.js',
      'migrations/005_opens_socket.js',
      'migrations/006_connects_with_pg.js',
      'migrations/007_starts_worker.js',
      'migrations/008_loops_forever.js',
      'migrations/009_exits.js',
      'migrations/010_fetches.js',
    ]);
    expect(errors['migrations/002_spawns_process.js']).toMatchObject({
      code: 'migration-threw',
      what: expect.stringContaining('the sandbox denied starting a process'),
      where: { file: 'migrations/002_spawns_process.js', line: 3 },
    });
    expect(errors['migrations/003_writes_file.js']).toMatchObject({
      code: 'migration-threw',
      what: expect.stringContaining('the sandbox denied writing files'),
      where: { file: 'migrations/003_writes_file.js', line: 5 },
    });
    expect(errors['migrations/004_reads_database_url.js']).toMatchObject({
      code: 'migration-threw',
      what: 'up() threw while its SQL was recorded: DATABASE_URL is not set',
    });
    for (const file of ['005_opens_socket.js', '006_connects_with_pg.js', '010_fetches.js']) {
      expect(errors[`migrations/${file}`]?.what).toContain('network access is blocked in the sandbox');
    }
    expect(errors['migrations/007_starts_worker.js']?.what).toContain('the sandbox denied starting a worker thread');
    expect(errors['migrations/008_loops_forever.js']?.code).toBe('migration-timeout');
    expect(errors['migrations/009_exits.js']).toMatchObject({
      code: 'migration-exit',
      what: expect.stringContaining('process.exit(7)'),
    });
    for (const error of result.errors) expect(error.error.fix.length).toBeGreaterThan(10);

    for (const file of ESCAPED_FILES) expect(existsSync(file)).toBe(false);
    expect(JSON.stringify(result)).not.toContain('hunter2');
    if (admin) {
      expect(await settledSessions()).toBe(baseline);
      expect(await probeTableExists()).toBe(false);
    }
  }, 90_000);

  it('Sequelize: a transaction is recorded without a connection (PG* variables set), a connection request is refused', async () => {
    const baseline = admin ? await settledSessions() : 0;
    const result = await readMigrations(fixture('sandbox-sequelize'), { executeProjectCode: true });
    expect(result.migrations[0]).toMatchObject({
      path: 'migrations/20240101000000-create-accounts.js',
      transactional: false,
    });
    expect(result.migrations[0]?.up.map((statement) => [statement.sql, statement.origin?.line])).toEqual([
      ['BEGIN', 5],
      ['CREATE TABLE IF NOT EXISTS "accounts" ("id"  SERIAL , PRIMARY KEY ("id"))', 6],
      ['CREATE INDEX "accounts_id_idx" ON "accounts" ("id")', 11],
      ['COMMIT', 5],
    ]);
    expect(result.migrations[0]?.down?.map((statement) => statement.sql)).toEqual([
      'BEGIN',
      'DROP TABLE IF EXISTS "accounts"',
      'COMMIT',
    ]);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['migrations/20240102000000-asks-for-connection.js', 'sequelize-connection-refused'],
    ]);
    if (admin) {
      expect(await settledSessions()).toBe(baseline);
      expect(await probeTableExists()).toBe(false);
    }
  }, 60_000);

  it('TypeORM: queries through queryRunner.connection / .manager are recorded, a connection request is refused', async () => {
    const baseline = admin ? await settledSessions() : 0;
    const result = await readMigrations(fixture('sandbox-typeorm'), { executeProjectCode: true });
    expect(
      result.migrations.map((migration) => [migration.path, migration.up.map((statement) => statement.sql)]),
    ).toEqual([
      [
        'src/migrations/1700000000000-ThroughConnection.ts',
        ['CREATE TABLE "notes" ("id" SERIAL PRIMARY KEY)', 'CREATE INDEX "notes_id_idx" ON "notes" ("id")'],
      ],
    ]);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['src/migrations/1700000000001-AsksForConnection.ts', 'typeorm-connection-refused'],
    ]);
    if (admin) {
      expect(await settledSessions()).toBe(baseline);
      expect(await probeTableExists()).toBe(false);
    }
  }, 60_000);

  it('a migration that exhausts the capped heap is killed; the next one is read', async () => {
    const result = await readMigrations(fixture('sandbox-knex-memory'), { executeProjectCode: true, timeoutMs: 8_000 });
    expect(result.migrations.map((migration) => migration.path)).toEqual(['migrations/002_ok.js']);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['migrations/001_eats_memory.js', 'migration-killed'],
    ]);
  }, 90_000);
});
