import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { migrationIndex } from '../../src/sources/migration-ref.js';

const migrations = [
  { id: '000001', name: 'create_users', path: 'migrations/000001_create_users.up.sql' },
  { id: '000002', name: 'add_email', path: 'migrations/000002_add_email.up.sql' },
];

describe('migrationIndex', () => {
  it('finds a migration by id, name, path, end of path, and "." as the newest', () => {
    expect(migrationIndex(migrations, '000001', 'migrations')).toBe(0);
    expect(migrationIndex(migrations, 'add_email', 'migrations')).toBe(1);
    expect(migrationIndex(migrations, 'migrations/000002_add_email.up.sql', 'migrations')).toBe(1);
    expect(migrationIndex(migrations, '000001_create_users.up.sql', 'migrations')).toBe(0);
    expect(migrationIndex(migrations, '.', 'migrations')).toBe(1);
  });

  it('names the folder, the count and an example when the ref matches nothing', () => {
    let error: unknown;
    try {
      migrationIndex(migrations, 'nope', 'db/migrations');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).what).toBe('No migration "nope" in db/migrations (2 migration(s)).');
    expect((error as UserError).fix).toContain("e.g. 000002, or '.' for the newest");
    expect(() => migrationIndex([], '.', 'db/migrations')).toThrow(/0 migration/);
  });
});
