import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';

/**
 * CONCURRENTLY in a migration its tool wraps in a transaction (a CommonJS knex migration without `exports.config = { transaction: false }`)
 * is rehearsed inside that transaction, so it fails as production will, with the tool's own switch as the fix;
 * the same statement in a migration that opts out runs outside any transaction and passes.
 */
const ROOT = path.resolve(import.meta.dirname, '../fixtures/trust-knex-cjs');

afterAll(async () => {
  await releaseWarmPglite();
});

describe('rehearsal of CONCURRENTLY in a transactional migration', () => {
  it('fails inside the knex transaction, at the knex.raw line, with the knex fix', async () => {
    const report = await runRehearsalRequest({
      projectRoot: ROOT,
      migration: 'migrations/20240103000000_index_accounts.js',
      executeProjectCode: true,
    });
    expect(report.migration.transactional).toBe(true);
    expect(report.outcome).toBe('failed');
    expect(report.failure?.message).toMatch(/CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    expect(report.failure?.location).toMatch(/^migrations\/20240103000000_index_accounts\.js:4:\d+$/);
    const step = report.steps.find((each) => each.error);
    expect(step?.transaction).toBe('migration transaction');
    expect(step?.notes.join('\n')).toContain('fails the same way in production');
    expect(step?.notes.join('\n')).toContain('export `config = { transaction: false }` from the migration');
    // Nothing of the failed migration stays applied: the second statement never ran.
    expect(report.steps.filter((each) => each.phase === 'up')).toHaveLength(1);
  });

  it('runs it outside any transaction when the migration opts out, and passes', async () => {
    const report = await runRehearsalRequest({
      projectRoot: ROOT,
      migration: 'migrations/20240102000000_index_accounts_online.js',
      executeProjectCode: true,
    });
    expect(report.migration.transactional).toBe(false);
    expect(report.outcome).toBe('passed');
    const index = report.steps.find((each) => each.phase === 'up' && /concurrently/i.test(each.sql));
    expect(index?.transaction).toBe('none (autocommit)');
  });

  it('fails the same way on a real PostgreSQL server as shadow', async (context) => {
    if (!(await postgresAvailable()).available) return context.skip();
    const report = await runRehearsalRequest({
      projectRoot: ROOT,
      migration: 'migrations/20240103000000_index_accounts.js',
      executeProjectCode: true,
      shadowUrl: POSTGRES_URL,
    });
    expect(report.shadow).toMatch(/^dma_shadow_\w+ on 127\.0\.0\.1/);
    expect(report.outcome).toBe('failed');
    expect(report.failure?.message).toMatch(/CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
  });
});
