import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';

/**
 * Rehearsing a code migration (knex) compiles it to the SQL knex would run, replays the migrations before it
 * as the baseline, and reports failures at the line of the .js/.ts source — never a "pass" over zero statements.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const SHOP = path.join(REPO, 'examples/shop');
const KNEX_PG = path.join(REPO, 'test/fixtures/sources-knex-pg');

afterAll(async () => {
  await releaseWarmPglite();
});

describe('rehearse_migration on knex migrations', () => {
  it('compiles the migration and replays the earlier ones into the baseline', async () => {
    const report = await runRehearsalRequest({
      projectRoot: KNEX_PG,
      migration: 'migrations/20240102000000_add_orders.js',
      executeProjectCode: true,
    });
    expect(report.migration.statements).toBe(3);
    expect(report.baseline.migrationsReplayed).toBe(1);
    expect(report.baseline.tables.map((table) => table.table)).toContain('users');
    expect(report.outcome).toBe('passed');
    expect(report.roundTrip.status).toBe('passed');
  });

  it('catches NOT NULL without a default on a table with rows, at the line of the knex call', async () => {
    const report = await runRehearsalRequest({
      projectRoot: SHOP,
      migration: 'db/migrations/20240305150000_add_order_status.js',
      executeProjectCode: true,
    });
    expect(report.migration.statements).toBe(2);
    expect(report.outcome).toBe('failed');
    expect(report.failure?.message).toContain('contains null values');
    expect(report.failure?.location).toMatch(/^db\/migrations\/20240305150000_add_order_status\.js:5:\d+$/);
  });
});
