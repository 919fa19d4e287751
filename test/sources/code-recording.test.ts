import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { readMigrations } from '../../src/sources/index.js';
import { fixture } from './tool-runs.js';

/** Regression fixtures of issue 15 §4 for migrations written as code (knex, TypeORM, Sequelize). */

const sqlOf = (migration: Migration | undefined) => migration?.up.map((statement) => statement.sql);
const lines = (migration: Migration | undefined) => migration?.up.map((statement) => statement.origin?.line);

describe('a down() that throws is the irreversible idiom, not a broken migration', () => {
  it.each([
    ['knex', 'silent-knex', 'migrations/001_users.js:9'],
    ['TypeORM', 'silent-typeorm', 'src/migrations/1700000000000-Seed.ts:11'],
    ['Sequelize', 'silent-sequelize', 'migrations/20240101000000-create-users.js:12'],
  ])('%s: up is recorded, down is empty and said to be irreversible by design', async (_tool, name, where) => {
    const result = await readMigrations(fixture(name), { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const first = result.migrations[0];
    expect(first?.up.length).toBeGreaterThan(0);
    expect(first?.down).toEqual([]);
    expect(first?.notes.some((note) => note.startsWith(`down() throws at ${where} (`))).toBe(true);
    expect(first?.notes.join('\n')).toMatch(/irreversible by design/);
  });
});

describe('a down() that fails on broken code is no idiom', () => {
  it('says where it fails, and the checklist fails rollback-present with that, not "irreversible"', async () => {
    const root = fixture('silent-sequelize');
    const result = await readMigrations(root, { executeProjectCode: true });
    const broken = result.migrations.find((migration) => migration.name === 'broken-down');
    const where = 'migrations/20240103000000-broken-down.js:11';
    expect(broken?.downFails).toBe(`down() fails at ${where} (ReferenceError: Sequelize is not defined)`);
    expect(broken?.notes.join('\n')).not.toMatch(/the migration is irreversible/);
    const loaded = await loadMigrationInputs(root, ['migrations'], { executeProjectCode: true });
    const checked = await checkSqlInputs(loaded.inputs, { root });
    const rollback = checked.files
      .find((file) => file.file.endsWith('broken-down.js'))
      ?.checklist.find((item) => item.id === 'rollback-present');
    expect(rollback).toMatchObject({ status: 'fail' });
    expect(rollback?.evidence.join('\n')).toContain(
      `down() fails at ${where} (ReferenceError: Sequelize is not defined)`,
    );
  });
});

describe('knex recorded without a database', () => {
  it('reads return what knex returns, so loops run and their writes are recorded; assumptions name their line', async () => {
    const result = await readMigrations(fixture('silent-knex'), { executeProjectCode: true });
    const backfill = result.migrations.find((migration) => migration.path === 'migrations/002_backfill.js');
    expect(sqlOf(backfill)).toEqual([
      'select "id", "name" from "users"',
      `update "users" set "name" = 'null' where "id" is null`,
      'select count(*) as "total" from "users"',
      'select * from "users" order by "id" asc limit 1',
      'select "id" from "users"',
      "select * from information_schema.tables where table_name = 'audit' and table_schema = current_schema()",
      'create table "audit" ("id" serial primary key)',
      "select * from information_schema.columns where table_name = 'users' and column_name = 'email' and table_schema = current_schema()",
      'alter table "users" add column "email" varchar(255)',
      "select * from information_schema.tables where table_name = 'users' and table_schema = current_schema()",
      // hasTable('users') is true: migration 001 created it.
      'analyze users',
    ]);
    expect(lines(backfill)).toEqual([2, 4, 6, 7, 8, 12, 13, 15, 16, 18, 19]);
    const note = backfill?.notes.find((text) => text.startsWith('Recorded without a database'));
    expect(note).toContain('migrations/002_backfill.js:2: select() answered with one placeholder row');
    expect(note).toContain('migrations/002_backfill.js:6: count() answered 0');
    expect(note).toContain('migrations/002_backfill.js:12: hasTable(audit) answered false');
    expect(note).toContain('and 2 more');
  });

  it('code that rejects the placeholder row is recorded again with reads answered as on an empty database', async () => {
    const result = await readMigrations(fixture('silent-knex'), { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const validated = result.migrations.find((migration) => migration.path === 'migrations/004_validated_rows.js');
    expect(sqlOf(validated)).toEqual([
      'select "name", count(*) as "cnt" from "users" group by "name" having count(*) > 1',
      'alter table "users" add constraint "users_name_unique" unique ("name")',
    ]);
    const note = validated?.notes.find((text) => text.startsWith('Recorded without a database'));
    expect(note).toContain('migrations/004_validated_rows.js:3: select() answered as for an empty database');
    expect(note).not.toContain('placeholder');
  });

  it('a migration whose code emits no statement is a no-op', async () => {
    const result = await readMigrations(fixture('silent-knex'), { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const nothing = result.migrations.find((migration) => migration.path === 'migrations/003_nothing.js');
    expect(nothing?.up).toEqual([]);
    expect(nothing?.notes).toContain('The up migration has no statement: applying it changes nothing (a no-op).');
  });
});

describe('TypeORM query(sql, parameters)', () => {
  it('puts the parameters into the SQL, so the next statement is not swallowed by a comment', async () => {
    const root = fixture('silent-typeorm');
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(sqlOf(result.migrations[0])).toEqual([
      'CREATE TABLE settings (key text PRIMARY KEY, value text)',
      "INSERT INTO settings (key, value) VALUES ('theme', 'it''s dark')",
      'DROP TABLE settings',
    ]);
    const loaded = await loadMigrationInputs(root, ['src/migrations'], { executeProjectCode: true });
    const checked = await checkSqlInputs(loaded.inputs, { root });
    expect(checked.errors).toEqual([]);
    expect(checked.files[0]?.statementCount).toBe(3);
  });
});

describe('Sequelize', () => {
  it('transaction(), renameColumn, named and positional replacements and dropAllTables are recorded as SQL', async () => {
    const result = await readMigrations(fixture('silent-sequelize'), { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const second = result.migrations[1];
    expect(sqlOf(second)).toEqual([
      'BEGIN',
      'ALTER TABLE "users" RENAME COLUMN "fullname" TO "name"',
      "UPDATE users SET name = 'O''Brien' WHERE id = 1",
      "UPDATE users SET name = 'unknown' WHERE name IS NULL",
      'COMMIT',
    ]);
    expect(lines(second)).toEqual([5, 6, 7, 11, 5]);
    expect(second?.down?.map((statement) => statement.sql)).toContain('DROP TABLE IF EXISTS "users" CASCADE');
    expect(second?.notes.join('\n')).toMatch(
      /showAllTables\(\) \(dropAllTables …\) was answered with the 1 table\(s\)/,
    );
  });
});
