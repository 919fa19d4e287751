import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { readMigrations } from '../../src/sources/index.js';
import { fixture } from './tool-runs.js';

describe('bad input gives per-file errors and the rest is still read', () => {
  it('a migration that throws, one that never resolves, a TS syntax error and a missing down', async () => {
    const result = await readMigrations(fixture('sources-knex-broken'), { executeProjectCode: true, timeoutMs: 1_000 });
    expect(result.migrations.map((migration) => migration.path)).toEqual([
      'migrations/001_ok.ts',
      'migrations/005_no_down.ts',
      'migrations/006_after_failures.ts',
    ]);
    expect(result.migrations[2]?.up[0]?.sql).toBe('create index widgets_weight_idx on widgets (weight)');
    const byPath = Object.fromEntries(result.errors.map((error) => [error.path, error.error]));
    expect(byPath['migrations/002_throws.ts']).toMatchObject({
      code: 'migration-threw',
      what: 'up() threw while its SQL was recorded: gadgets need a vendor first',
      where: { file: 'migrations/002_throws.ts', line: 7, column: 9 },
    });
    expect(byPath['migrations/003_never_resolves.ts']).toMatchObject({
      code: 'migration-timeout',
      where: { file: 'migrations/003_never_resolves.ts' },
    });
    expect(byPath['migrations/003_never_resolves.ts']?.what).toContain('did not finish within 1000 ms');
    expect(byPath['migrations/004_syntax_error.ts']).toMatchObject({
      code: 'migration-syntax',
      what: 'Syntax error: Expected ")" but found "}"',
      where: { file: 'migrations/004_syntax_error.ts', line: 6, column: 3 },
    });
    expect(byPath['migrations/005_no_down.ts']).toMatchObject({ code: 'missing-down' });
    expect(byPath['migrations/005_no_down.ts']?.what).toContain('knex migrate:rollback');
    for (const error of result.errors) expect(error.error.fix.length).toBeGreaterThan(10);
  });

  it('a thrown message whose first line is only punctuation (a ZodError) is reported whole', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sources-knex-zod-'));
    try {
      mkdirSync(path.join(root, 'migrations'));
      writeFileSync(path.join(root, 'knexfile.js'), "module.exports = { client: 'pg' };\n");
      const issues = JSON.stringify([{ path: [0, 'userId'], message: 'Expected string, received null' }], null, 2);
      writeFileSync(
        path.join(root, 'migrations', '001_parse.js'),
        `exports.up = async function (knex) {\n  await knex.schema.createTable('a', (t) => t.increments('id'));\n  throw new Error(${JSON.stringify(issues)});\n};\nexports.down = async function () {};\n`,
      );
      const result = await readMigrations(root, { executeProjectCode: true });
      expect(result.errors[0]?.error.what).toBe(
        'up() threw while its SQL was recorded: [ { "path": [ 0, "userId" ], "message": "Expected string, received null" } ]',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a migration that blocks the thread forever or calls process.exit is stopped in its worker; the rest is read', async () => {
    const result = await readMigrations(fixture('sources-knex-hostile'), { executeProjectCode: true, timeoutMs: 300 });
    expect(
      result.migrations.map((migration) => [migration.path, migration.up.map((statement) => statement.sql)]),
    ).toEqual([
      ['migrations/001_ok.js', ['create table "a" ("id" serial primary key)']],
      ['migrations/004_prints.js', ['create table "b" ("id" serial primary key)']],
    ]);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['migrations/002_loops_forever.js', 'migration-timeout'],
      ['migrations/003_exits.js', 'migration-exit'],
    ]);
    // The real time it ran before the watchdog (limit + 1 s) killed it, and the limit.
    const blocked = /blocked for (\d+) ms .*the limit is 300 ms/.exec(result.errors[0]?.error.what ?? '');
    expect(Number(blocked?.[1])).toBeGreaterThanOrEqual(1_300);
    expect(result.errors[1]?.error.what).toContain('process.exit(3)');
  });

  it('never runs project code unless asked: code migrations are listed, not compiled', async () => {
    const result = await readMigrations(fixture('sources-knex-broken'));
    expect(result.errors).toEqual([]);
    expect(result.migrations).toHaveLength(6);
    expect(
      result.migrations.every(
        (migration) => migration.up.length === 0 && migration.notes[0]?.startsWith('Not compiled'),
      ),
    ).toBe(true);
    expect(result.migrations.map((migration) => migration.down !== undefined)).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
  });

  it('a malformed Drizzle journal: error at its line:column, the SQL files still read in tag order', async () => {
    const result = await readMigrations(fixture('sources-drizzle-broken'));
    expect(result.errors).toEqual([
      {
        path: 'drizzle/meta/_journal.json',
        error: expect.objectContaining({
          code: 'drizzle-journal-malformed',
          where: { file: 'drizzle/meta/_journal.json', line: 5, column: 37 },
        }),
      },
    ]);
    expect(result.migrations.map((migration) => migration.path)).toEqual(['drizzle/0000_init.sql']);
  });

  it('a SQL syntax error is reported at file:line:col, other files still read', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sources-sql-error-'));
    try {
      mkdirSync(path.join(root, 'migrations'));
      writeFileSync(path.join(root, 'migrations', '1_ok.up.sql'), 'CREATE TABLE a (id int);\n');
      writeFileSync(
        path.join(root, 'migrations', '2_bad.up.sql'),
        'CREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN;\n',
      );
      writeFileSync(path.join(root, 'migrations', '3_ok.up.sql'), 'CREATE TABLE c (id int);\n');
      const result = await readMigrations(root, { engine: 'postgresql' });
      expect(result.migrations.map((migration) => migration.id)).toEqual(['1', '3']);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({
        path: 'migrations/2_bad.up.sql',
        error: { code: 'sql-syntax', where: { file: 'migrations/2_bad.up.sql', line: 2, column: 25 } },
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('paths outside the root and unknown folders are refused with a fix', async () => {
    await expect(readMigrations(fixture('sources-plain'), { path: '../sources-goose' })).rejects.toMatchObject({
      code: 'outside-root',
    });
    await expect(readMigrations(fixture('sources-plain'), { path: 'nope' })).rejects.toMatchObject({
      code: 'migration-path-not-found',
    });
    const error = await readMigrations(fixture('sources-prisma'), { format: 'goose' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('migrations-not-found');
    expect((error as UserError).fix).toContain('golang-migrate');
  });
});
