import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { type RehearsalReport, rehearseMigration } from '../../src/shadow/rehearse.js';
import type { StatementReport } from '../../src/shadow/run-statements.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';

/** Lock and rewrite facts read from the rehearsal report, on PGlite and on the real PostgreSQL server. */

const server = await postgresAvailable();

const BASE = `
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, nickname text);
CREATE TABLE orders (id serial PRIMARY KEY, user_id integer, total integer NOT NULL DEFAULT 0);
`;

const targets = [
  { name: 'PGlite', shadowUrl: undefined as string | undefined, skip: false },
  { name: 'PostgreSQL server', shadowUrl: POSTGRES_URL, skip: !server.available },
];

afterAll(() => releaseWarmPglite());

async function rehearse(sql: string, shadowUrl?: string): Promise<RehearsalReport> {
  const migration = await migrationFromSql({ id: 'm', path: 'migrations/m.sql', up: sql, engine: 'postgresql' });
  return rehearseMigration({
    engine: 'postgresql',
    migration,
    baseline: { kind: 'dump', sql: BASE, file: 'schema.sql' },
    rowsPerTable: 200,
    ...(shadowUrl ? { shadowUrl } : {}),
  });
}

function up(report: RehearsalReport, index: number): StatementReport {
  const step = report.steps.find((item) => item.phase === 'up' && item.index === index);
  if (!step) throw new Error(`no up statement ${index}: ${JSON.stringify(report.failure)}`);
  return step;
}

function lockOn(step: StatementReport, relation: string): string | undefined {
  return step.locks.find((lock) => lock.relation === relation && !lock.newObject)?.mode;
}

describe.each(targets)('lock facts on $name', ({ shadowUrl, skip }) => {
  it.skipIf(skip)('CREATE INDEX takes SHARE on the table and reads it in full', async () => {
    const report = await rehearse('CREATE INDEX orders_user_id_idx ON orders (user_id);', shadowUrl);
    const step = up(report, 1);
    expect(lockOn(step, 'orders')).toBe('SHARE');
    expect(step.locks.find((lock) => lock.relation === 'orders')?.heldUntil).toBe('commit');
    expect(step.rewrites).toEqual([]);
    expect(step.scans.map((scan) => scan.relation)).toContain('orders');
  });

  it.skipIf(skip)('ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables', async () => {
    const report = await rehearse(
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      shadowUrl,
    );
    const step = up(report, 1);
    expect(lockOn(step, 'orders')).toBe('SHARE ROW EXCLUSIVE');
    expect(lockOn(step, 'users')).toBe('SHARE ROW EXCLUSIVE');
    expect(step.locks.find((lock) => lock.relation === 'orders')?.blocks).toMatch(/writes/);
  });

  it.skipIf(skip)('SET NOT NULL takes ACCESS EXCLUSIVE and scans the table', async () => {
    const report = await rehearse(
      "UPDATE users SET nickname = 'none' WHERE nickname IS NULL;\nALTER TABLE users ALTER COLUMN nickname SET NOT NULL;",
      shadowUrl,
    );
    expect(up(report, 1).rowsAffected).toBe(20);
    const step = up(report, 2);
    expect(lockOn(step, 'users')).toBe('ACCESS EXCLUSIVE');
    expect(step.scans.map((scan) => scan.relation)).toContain('users');
    expect(step.rewrites).toEqual([]);
  });

  it.skipIf(skip)(
    'ADD COLUMN with a constant default rewrites nothing; a volatile default rewrites the table',
    async () => {
      const report = await rehearse(
        "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp();",
        shadowUrl,
      );
      const constant = up(report, 1);
      expect(lockOn(constant, 'users')).toBe('ACCESS EXCLUSIVE');
      expect(constant.rewrites).toEqual([]);
      const volatile = up(report, 2);
      expect(lockOn(volatile, 'orders')).toBe('ACCESS EXCLUSIVE');
      expect(volatile.rewrites).toContainEqual({ relation: 'orders', kind: 'table' });
    },
  );

  it.skipIf(skip)('CREATE INDEX CONCURRENTLY runs outside a transaction', async () => {
    const report = await rehearse('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', shadowUrl);
    expect(report.outcome).toBe('passed');
    expect(up(report, 1).transaction).toBe('none (autocommit)');
    expect(report.migration.transactional).toBe(false);
  });
});

describe('scale estimate', () => {
  it('extrapolates a rewrite under ACCESS EXCLUSIVE to production rows and flags it beyond lock_timeout', async () => {
    const migration = await migrationFromSql({
      id: 'm',
      path: 'migrations/m.sql',
      up: 'ALTER TABLE orders ADD COLUMN token float8 DEFAULT random();',
      engine: 'postgresql',
    });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'dump', sql: BASE, file: 'schema.sql' },
      rowsPerTable: 500,
      rowCounts: { orders: 500_000_000 },
      lockTimeoutMs: 1_000,
    });
    const estimate = report.estimates.find((item) => item.table === 'orders' && item.work === 'rewrite');
    expect(estimate).toBeDefined();
    expect(estimate?.lock).toBe('ACCESS EXCLUSIVE');
    expect(estimate?.syntheticRows).toBe(500);
    expect(estimate?.estimatedMs).toBeGreaterThan(1_000);
    expect(estimate?.exceedsLockTimeout).toBe(true);
    expect(estimate?.advice).toMatch(/backfill in batches/);
  });
});
