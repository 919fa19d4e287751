import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/sources/index.js';
import { fixture } from './tool-runs.js';

/** Whether this machine's python3 can import a module (alembic/django are not installed here). */
function importable(module: string): boolean {
  try {
    execFileSync('python3', ['-c', `import ${module}`], { stdio: 'ignore', cwd: '/' });
    return true;
  } catch {
    return false;
  }
}

describe('Alembic', () => {
  it('orders revisions by the down_revision graph read from the files (not by file name)', async () => {
    const result = await readMigrations(fixture('sources-alembic'));
    expect(result).toMatchObject({ format: 'alembic', directory: 'alembic/versions', errors: [] });
    expect(result.migrations.map((migration) => [migration.id, migration.name, migration.path])).toEqual([
      ['a1b2c3d4e5f6', 'create users', 'alembic/versions/a1b2c3d4e5f6_create_users.py'],
      ['0f9e8d7c6b5a', 'add email', 'alembic/versions/0f9e8d7c6b5a_add_email.py'],
      ['77aa', 'orders', 'alembic/versions/77aa_orders.py'],
    ]);
    expect(result.migrations[0]?.notes[0]).toContain('executeProjectCode');
  });

  it.skipIf(importable('alembic.config'))(
    'names what is missing when alembic is not importable, per file',
    async () => {
      const result = await readMigrations(fixture('sources-alembic'), { executeProjectCode: true });
      expect(result.migrations).toEqual([]);
      expect(result.errors).toHaveLength(3);
      expect(result.errors[0]).toMatchObject({
        path: 'alembic/versions/a1b2c3d4e5f6_create_users.py',
        error: { code: 'alembic-missing' },
      });
      expect(result.errors[0]?.error.what).toMatch(
        /^alembic is not importable by python3 \(looked for \.venv\/, venv\/, env\/ in the project/,
      );
      expect(result.errors[0]?.error.fix).toContain('pip install alembic');
    },
  );
});

describe('Django', () => {
  it('orders migrations by their dependencies across apps', async () => {
    const result = await readMigrations(fixture('sources-django'));
    expect(result).toMatchObject({ format: 'django', directory: '.', errors: [] });
    expect(result.migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['accounts.0001_initial', true],
      ['accounts.0002_account_email', false],
      ['shop.0001_initial', true],
    ]);
  });

  it.skipIf(importable('django.core.management'))('names what is missing when Django is not importable', async () => {
    const result = await readMigrations(fixture('sources-django'), { executeProjectCode: true });
    expect(result.errors.map((error) => error.error.code)).toEqual([
      'django-missing',
      'django-missing',
      'django-missing',
    ]);
    expect(result.errors[0]?.error.what).toContain('django is not importable by python3');
  });
});
