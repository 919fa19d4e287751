import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { manualSteps } from '../../src/plan/rollback-manual.js';

function migration(format: Migration['format'], id: string, file: string): Migration {
  return { id, name: id, path: file, format, up: [], transactional: true, notes: [] };
}

describe('manual rollback steps', () => {
  it('tell the tool the migration is gone in its own history table, after the down ran', () => {
    const steps = manualSteps({
      migration: migration('knex', '20240102000000', 'migrations/20240102000000_drop_nickname.js'),
      engine: 'postgresql',
      downStatements: 1,
      backups: 1,
    });
    expect(steps).toEqual([
      'take the backups named under the point of no return (down): rolling back drops data',
      'run the down SQL in one transaction (BEGIN; … COMMIT;) so a failure leaves the schema as it was',
      "mark the migration as not applied: DELETE FROM knex_migrations WHERE name = '20240102000000_drop_nickname.js'",
      'run the verification queries and compare with the counts taken before',
    ]);
  });

  it('go back to the previous version where the tool keeps only the current one, statement by statement on MySQL', () => {
    const steps = manualSteps({
      migration: migration('golang-migrate', '10', 'migrations/10_add_name.up.sql'),
      previous: migration('golang-migrate', '2', 'migrations/2_create_orders.up.sql'),
      engine: 'mariadb',
      downStatements: 2,
      backups: 0,
    });
    expect(steps[0]).toContain('statement by statement');
    expect(steps[1]).toBe('mark the migration as not applied: UPDATE schema_migrations SET version = 2, dirty = false');
    const django = manualSteps({
      migration: migration('django', 'accounts.0002_account_email', 'accounts/migrations/0002_account_email.py'),
      engine: 'postgresql',
      downStatements: 1,
      backups: 0,
    });
    expect(django[1]).toBe(
      "mark the migration as not applied: DELETE FROM django_migrations WHERE app = 'accounts' AND name = '0002_account_email'",
    );
  });
});
