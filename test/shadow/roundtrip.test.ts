import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import type { ShadowEngine } from '../../src/shadow/types.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { fixtureMigrations } from './fixtures.js';

/** Every fixture migration passes up → down → up on every engine it supports; a broken down is caught exactly. */

const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();

interface Target {
  name: string;
  project: string;
  engine: ShadowEngine;
  shadowUrl?: string;
  skip: boolean;
}

const targets: Target[] = [
  { name: 'PostgreSQL on PGlite', project: 'shadow-postgres', engine: 'postgresql', skip: false },
  {
    name: 'PostgreSQL server',
    project: 'shadow-postgres',
    engine: 'postgresql',
    shadowUrl: POSTGRES_URL,
    skip: !postgres.available,
  },
  {
    name: 'MariaDB/MySQL server',
    project: 'shadow-mysql',
    engine: 'mysql',
    shadowUrl: MYSQL_URL,
    skip: !mysql.available,
  },
  { name: 'SQLite in memory', project: 'shadow-sqlite', engine: 'sqlite', skip: false },
];

afterAll(() => releaseWarmPglite());

describe.each(targets)('round trip on $name', ({ project, engine, shadowUrl, skip }) => {
  it.skipIf(skip)('every migration passes up → down → up on top of the earlier ones, data kept', async () => {
    const migrations = await fixtureMigrations(project, 'migrations', engine);
    expect(migrations.length).toBeGreaterThanOrEqual(3);
    for (const [index, migration] of migrations.entries()) {
      const report = await rehearseMigration({
        engine,
        migration,
        baseline: { kind: 'migrations', migrations: migrations.slice(0, index) },
        rowsPerTable: 100,
        ...(shadowUrl ? { shadowUrl } : {}),
      });
      expect({ migration: migration.id, failure: report.failure, trip: report.roundTrip.status }).toEqual({
        migration: migration.id,
        failure: undefined,
        trip: 'passed',
      });
      expect(report.roundTrip.downDifference).toEqual([]);
      expect(report.roundTrip.reapplyDifference).toEqual([]);
      // Tables that existed before the migration keep their rows and their column checksums.
      for (const table of report.data.preserved) expect(table.rows).toBe(100);
      expect(report.data.changed).toEqual([]);
      expect(report.steps.filter((step) => step.phase === 'reapply')).toHaveLength(migration.up.length);
    }
  });

  it.skipIf(skip)('a down migration that forgets a column is caught with the exact schema difference', async () => {
    const migrations = await fixtureMigrations(project, 'migrations', engine);
    const [broken] = await fixtureMigrations(project, 'broken', engine);
    if (!broken) throw new Error('fixture missing');
    const report = await rehearseMigration({
      engine,
      migration: broken,
      baseline: { kind: 'migrations', migrations },
      rowsPerTable: 50,
      ...(shadowUrl ? { shadowUrl } : {}),
    });
    expect(report.outcome).toBe('failed');
    expect(report.roundTrip.status).toBe('failed');
    expect(report.roundTrip.reason).toMatch(/differs from the baseline/);
    expect(report.roundTrip.downDifference).toHaveLength(1);
    expect(report.roundTrip.downDifference[0]).toMatchObject({
      kind: 'column',
      change: 'added',
      object: 'orders.shipped_at',
    });
    expect(report.roundTrip.downDifference[0]?.after).toMatchObject({ nullable: true });
  });
});

describe('data destroyed by a step', () => {
  it('names the dropped column with its row and value counts, and the values down cannot bring back', async () => {
    const migrations = await fixtureMigrations('shadow-postgres', 'migrations', 'postgresql');
    const migration = await migrationFromSql({
      id: '0009_drop_note',
      path: 'migrations/0009_drop_note.up.sql',
      engine: 'postgresql',
      up: 'ALTER TABLE orders DROP COLUMN note;',
      down: 'ALTER TABLE orders ADD COLUMN note text;',
      downPath: 'migrations/0009_drop_note.down.sql',
    });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'migrations', migrations },
      rowsPerTable: 100,
    });
    expect(report.roundTrip.status).toBe('passed');
    expect(report.data.destroyed).toContainEqual({
      phase: 'up',
      kind: 'column',
      object: 'orders.note',
      rows: 100,
      nonNullValues: 90,
    });
    expect(report.data.changed).toEqual([
      { table: 'orders', column: 'note', reason: 'values differ after up → down (90 → 0 non-NULL values)' },
    ]);
    const orders = report.data.preserved.find((table) => table.table === 'orders');
    expect(orders?.columns).toEqual(['id', 'user_id', 'status', 'total']);
    expect(report.steps.find((step) => step.phase === 'down')?.location.file).toBe(
      'migrations/0009_drop_note.down.sql',
    );
  });
});
