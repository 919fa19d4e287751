import { readdirSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { emptyDatabaseRows } from '../../src/sources/formats/empty-database-reads.js';
import { readMigrations } from '../../src/sources/index.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { changes, fixture, loadWithTsx } from './tool-runs.js';

type MigrationModule = {
  up(queryInterface: unknown, sequelize: unknown): Promise<void>;
  down(queryInterface: unknown, sequelize: unknown): Promise<void>;
};

/** What sequelize-cli does: each migration's up (file-name order), then each down in reverse, logging the SQL. */
async function runWithSequelize(url: string, directory: string): Promise<{ up: string[]; down: string[] }> {
  const executed: string[] = [];
  const sequelize = new Sequelize(url, {
    logging: (sql: string) => void executed.push(sql.replace(/^Executing \([^)]*\): /, '')),
  });
  const modules = readdirSync(directory)
    .sort()
    .map((file) => loadWithTsx(path.join(directory, file)) as unknown as MigrationModule);
  try {
    for (const module of modules) await module.up(sequelize.getQueryInterface(), Sequelize);
    const up = changes(executed.splice(0));
    for (const module of [...modules].reverse()) await module.down(sequelize.getQueryInterface(), Sequelize);
    return { up, down: changes(executed.splice(0)) };
  } finally {
    await sequelize.close();
  }
}

const ours = (migrations: Migration[]) => ({
  up: changes(migrations.flatMap((migration) => migration.up.map((statement) => statement.sql))),
  down: changes(
    [...migrations].reverse().flatMap((migration) => (migration.down ?? []).map((statement) => statement.sql)),
  ),
});

describe('Sequelize on PostgreSQL', () => {
  const root = fixture('sources-sequelize-pg');

  it('orders by file name and keeps the line of each queryInterface call', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'sequelize', directory: 'migrations', engine: 'postgresql', errors: [] });
    expect(result.migrations.map((migration) => migration.name)).toEqual([
      'create-users',
      'add-name',
      'raw-comment',
      'create-roles',
      'guarded-drop',
    ]);
    expect(result.migrations[1]?.up.map((statement) => [statement.sql, statement.origin])).toEqual([
      [
        'ALTER TABLE "public"."users" ADD COLUMN "name" VARCHAR(100)',
        { file: 'migrations/20240102000000-add-name.js', line: 5, column: 26 },
      ],
      [
        'CREATE INDEX "users_name_idx" ON "users" ("name")',
        { file: 'migrations/20240102000000-add-name.js', line: 6, column: 26 },
      ],
    ]);
    expect(result.migrations[2]?.up[0]?.origin?.line).toBe(5);
    expect(result.migrations.every((migration) => migration.transactional === false)).toBe(true);
  });

  it('a SELECT of aggregates is answered with the one row PostgreSQL returns on an empty database', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    const guarded = result.migrations.find((migration) => migration.name === 'guarded-drop');
    // The guard read users[0].count: with no row it threw, and the column drop after it went unchecked.
    expect(guarded?.up.map((statement) => statement.sql)).toContain('ALTER TABLE "public"."users" DROP COLUMN "name"');
    expect(guarded?.notes).toContain(
      'Recorded without a database: SELECT COUNT(*) FROM users… was answered with the one row it returns on an empty database (count 0), so code that branches on it took the empty-database path.',
    );
    expect(guarded?.notes.join('\n')).not.toMatch(/answered with no rows/);
    expect(emptyDatabaseRows('SELECT count(name)::int AS named, max(name) FROM users WHERE id > 0')).toEqual([
      { named: 0, max: null },
    ]);
    expect(emptyDatabaseRows('select COUNT(*) "Total" from users;')).toEqual([{ Total: '0' }]);
    for (const many of [
      'SELECT count(*) FROM users GROUP BY name',
      'SELECT count(*) FROM users HAVING count(*) > 0',
      'SELECT count(a) + count(b) FROM users',
      'SELECT name, count(*) FROM users',
      'SELECT id FROM users',
    ])
      expect(emptyDatabaseRows(many)).toEqual([]);
  });

  it('compiles exactly the SQL Sequelize runs against a real PostgreSQL', async () => {
    if (!(await postgresAvailable()).available) return;
    const database = uniqueName('sources_sequelize');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database "${database}"`);
    try {
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      const ran = await runWithSequelize(url.toString(), path.join(root, 'migrations'));
      expect(ran.up.length).toBe(8);
      const result = await readMigrations(root, { executeProjectCode: true });
      expect(ours(result.migrations)).toEqual(ran);
    } finally {
      await admin.query(`drop database if exists "${database}" with (force)`);
      await admin.end();
    }
  });
});

describe('Sequelize on MariaDB/MySQL', () => {
  const root = fixture('sources-sequelize-mysql');

  it('compiles exactly the SQL Sequelize runs against a real MariaDB', async () => {
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result).toMatchObject({ format: 'sequelize', engine: 'mysql', errors: [] });
    // removeColumn on MySQL looks up foreign keys first; without a database the answer is "none", and the note says so.
    expect(result.migrations[1]?.notes.some((note) => note.startsWith('Recorded without a database: 1 read(s)'))).toBe(
      true,
    );
    if (!(await mysqlAvailable()).available) return;
    const database = uniqueName('sources_sequelize');
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`create database \`${database}\``);
    try {
      const url = new URL(MYSQL_URL);
      url.pathname = `/${database}`;
      const ran = await runWithSequelize(url.toString(), path.join(root, 'migrations'));
      expect(ran.up.length).toBe(4);
      expect(ours(result.migrations)).toEqual(ran);
    } finally {
      await admin.query(`drop database if exists \`${database}\``);
      await admin.end();
    }
  });
});
