import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import type { ShadowEngine } from '../../src/shadow/types.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';

/** Failures that only data reveals, caught on the synthetic rows with the error at the statement's position. */

const mysql = await mysqlAvailable();
afterAll(() => releaseWarmPglite());

const BASE = `
CREATE TABLE accounts (
  id integer PRIMARY KEY,
  email varchar(120) NOT NULL UNIQUE,
  nickname varchar(40),
  plan varchar(20) NOT NULL,
  score_text varchar(20)
);`;

async function rehearse(up: string, engine: ShadowEngine = 'postgresql', shadowUrl?: string) {
  const migration = await migrationFromSql({ id: 'm', path: 'migrations/0002_change.sql', up, engine });
  return rehearseMigration({
    engine,
    migration,
    baseline: { kind: 'dump', sql: BASE, file: 'schema.sql' },
    rowsPerTable: 300,
    ...(shadowUrl ? { shadowUrl } : {}),
  });
}

describe('data-dependent failures on PGlite', () => {
  it('SET NOT NULL on a column holding NULLs fails at the statement position', async () => {
    const report = await rehearse(
      'SELECT 1;\n\n  ALTER TABLE accounts ALTER COLUMN nickname SET NOT NULL;\nALTER TABLE accounts ADD COLUMN x int;',
    );
    expect(report.outcome).toBe('failed');
    expect(report.failure).toMatchObject({ phase: 'up', statement: 2, location: 'migrations/0002_change.sql:3:3' });
    expect(report.failure?.message).toMatch(/contains null values/);
    expect(report.steps.filter((step) => step.phase === 'up')).toHaveLength(2);
    expect(report.roundTrip.status).toBe('skipped');
  });

  it('ADD UNIQUE on a column with duplicates fails', async () => {
    const report = await rehearse('ALTER TABLE accounts ADD CONSTRAINT accounts_plan_key UNIQUE (plan);');
    expect(report.failure?.message).toMatch(/could not create unique index/);
    expect(report.failure?.location).toBe('migrations/0002_change.sql:1:1');
  });

  it('a cast of text to integer fails on non-numeric values, positioned inside the statement', async () => {
    const report = await rehearse(
      'ALTER TABLE accounts\n  ALTER COLUMN score_text TYPE integer USING score_text::integer;',
    );
    expect(report.failure?.message).toMatch(/invalid input syntax for type integer/);
    expect(report.failure?.location).toMatch(/^migrations\/0002_change\.sql:\d+:\d+$/);
  });

  it('a syntax-valid statement with an unknown column reports the exact line and column', async () => {
    const report = await rehearse('UPDATE accounts\n   SET plan = nope;');
    expect(report.failure?.location).toBe('migrations/0002_change.sql:2:15');
  });
});

describe('data-dependent failures on MySQL/MariaDB', () => {
  it.skipIf(!mysql.available)(
    'NOT NULL on NULLs and UNIQUE on duplicates fail; DDL auto-commit is reported',
    async () => {
      const notNull = await rehearse('ALTER TABLE accounts MODIFY nickname varchar(40) NOT NULL;', 'mysql', MYSQL_URL);
      expect(notNull.outcome).toBe('failed');
      expect(notNull.failure?.message).toMatch(/null|truncated/i);
      const unique = await rehearse(
        'ALTER TABLE accounts ADD UNIQUE KEY accounts_plan_key (plan);',
        'mysql',
        MYSQL_URL,
      );
      expect(unique.failure?.message).toMatch(/Duplicate entry/);
      expect(unique.engineNotes.join(' ')).toMatch(/commit every DDL statement implicitly/);
    },
  );
});

describe('SQLite', () => {
  it('rehearses with table-rebuild semantics noted and catches a UNIQUE index on duplicates', async () => {
    const report = await rehearse('CREATE UNIQUE INDEX accounts_plan_idx ON accounts (plan);', 'sqlite');
    expect(report.failure?.message).toMatch(/UNIQUE constraint failed/);
    expect(report.engineNotes.join(' ')).toMatch(/rebuilding the table/);
  });
});
