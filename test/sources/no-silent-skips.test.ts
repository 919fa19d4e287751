import { describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { readMigrations } from '../../src/sources/index.js';
import { fixture } from './tool-runs.js';

/** Regression fixtures of issue 15 §4: nothing read is silently dropped or listed as what it is not. */

describe('empty up and down files', () => {
  it('an empty down means irreversible, an empty up is a no-op: neither is a syntax error', async () => {
    const result = await readMigrations(fixture('silent-empty-halves'), { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => [migration.path, migration.up.length, migration.down?.length])).toEqual(
      [
        ['migrations/1_a.up.sql', 1, 0],
        ['migrations/2_noop.up.sql', 0, 1],
      ],
    );
    expect(result.migrations[0]?.notes).toContain(
      'The down migration has no statement: the migration is irreversible (rolling back undoes nothing).',
    );
    expect(result.migrations[1]?.notes).toContain(
      'The up migration has no statement: applying it changes nothing (a no-op).',
    );
  });

  it('check reports the empty down as an irreversible migration, not as a missing file', async () => {
    const root = fixture('silent-empty-halves');
    const loaded = await loadMigrationInputs(root, ['migrations']);
    expect(loaded.errors).toEqual([]);
    const result = await checkSqlInputs(loaded.inputs, { root });
    expect(result.errors).toEqual([]);
    const rollback = result.files[0]?.checklist.find((item) => item.id === 'rollback-present');
    expect(rollback).toMatchObject({ status: 'fail' });
    expect(rollback?.evidence[0]).toMatch(/1_a\.down\.sql is empty: the migration is irreversible/);
    expect(result.files[1]?.statementCount).toBe(0);
  });
});

describe('down files are never forward migrations', () => {
  it('golang-migrate: a down file without its up is an error, not a migration', async () => {
    const result = await readMigrations(fixture('silent-down-files'), { path: 'gm', engine: 'postgresql' });
    expect(result.migrations.map((migration) => migration.path)).toEqual(['gm/1_a.up.sql']);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['gm/2_gone.down.sql', 'missing-up'],
    ]);
  });

  it('plain folders: *_down.sql and down/ files pair with their up file; an orphan down is reported', async () => {
    const result = await readMigrations(fixture('silent-down-files'), { path: 'plain', engine: 'postgresql' });
    expect(result.format).toBe('sql');
    expect(
      result.migrations.map((migration) => [migration.path, migration.up[0]?.sql, migration.down?.[0]?.sql]),
    ).toEqual([
      ['plain/001_a.sql', 'CREATE TABLE a (id int)', 'DROP TABLE a'],
      ['plain/002_b_up.sql', 'CREATE TABLE b (id int)', 'DROP TABLE b'],
      ['plain/003_c.sql', 'CREATE TABLE c (id int)', 'DROP TABLE c'],
    ]);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['plain/004_orphan_down.sql', 'orphan-down'],
    ]);
  });

  it('flyway: undo files are the down of their version; an undo without a version is not a migration', async () => {
    const result = await readMigrations(fixture('silent-down-files'), { path: 'flyway', engine: 'postgresql' });
    expect(result.migrations.map((migration) => [migration.path, migration.down?.[0]?.sql])).toEqual([
      ['flyway/V1__a.sql', 'DROP TABLE a'],
    ]);
  });

  it('check on a plain folder checks the up files only, each with its down as rollback evidence', async () => {
    const root = fixture('silent-down-files');
    const loaded = await loadMigrationInputs(root, ['plain']);
    expect(loaded.inputs.map((input) => [input.file, input.down?.file])).toEqual([
      ['plain/001_a.sql', 'plain/001_a_down.sql'],
      ['plain/002_b_up.sql', 'plain/002_b_down.sql'],
      ['plain/003_c.sql', 'plain/down/003_c.sql'],
    ]);
    expect(loaded.notes.join('\n')).toMatch(/004_orphan_down\.sql is a down migration with no up migration/);
  });
});

describe('list_migrations returns the down SQL it promises', () => {
  it('each listing has the first line of its down statements', async () => {
    const { listMigrations } = await import('../../src/sources/summary.js');
    const result = await readMigrations(fixture('silent-down-files'), { path: 'plain', engine: 'postgresql' });
    expect(listMigrations(result).map((listing) => [listing.path, listing.downSummary])).toEqual([
      ['plain/001_a.sql', ['L1: DROP TABLE a']],
      ['plain/002_b_up.sql', ['L1: DROP TABLE b']],
      ['plain/003_c.sql', ['L1: DROP TABLE c']],
    ]);
  });
});
