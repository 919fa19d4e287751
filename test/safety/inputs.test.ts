import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { globToRegExp, loadSqlInputs } from '../../src/safety/inputs.js';

const ROOT = path.join(import.meta.dirname, '../fixtures/safety-project');

describe('loadSqlInputs', () => {
  it('walks folders in natural order and pairs up.sql with down.sql', async () => {
    const inputs = await loadSqlInputs(ROOT, ['migrations']);
    expect(inputs.map((input) => [input.file, input.down?.file])).toEqual([
      ['migrations/001_users/up.sql', 'migrations/001_users/down.sql'],
      ['migrations/002_orders/up.sql', 'migrations/002_orders/down.sql'],
      ['migrations/003_email_index.sql', undefined],
    ]);
    expect(inputs[0]?.sql).toContain('CREATE TABLE IF NOT EXISTS users');
  });

  it('expands globs relative to the root and de-duplicates', async () => {
    const inputs = await loadSqlInputs(ROOT, ['migrations/**/up.sql', 'migrations/001_users/up.sql', 'other/c*.sql']);
    expect(inputs.map((input) => input.file)).toEqual([
      'migrations/001_users/up.sql',
      'migrations/002_orders/up.sql',
      'other/clean.sql',
    ]);
  });

  it('refuses paths outside the root and reports missing files and empty globs', async () => {
    await expect(loadSqlInputs(ROOT, ['../../../package.json'])).rejects.toMatchObject({ code: 'outside-root' });
    await expect(loadSqlInputs(ROOT, ['../**/*.sql'])).rejects.toBeInstanceOf(UserError);
    await expect(loadSqlInputs(ROOT, ['nope.sql'])).rejects.toMatchObject({ code: 'not-found' });
    await expect(loadSqlInputs(ROOT, ['**/*.psql'])).rejects.toMatchObject({ code: 'no-match' });
    await expect(loadSqlInputs(ROOT, [])).rejects.toMatchObject({ code: 'no-input' });
  });

  it('never reads a file or folder a symlink in the walked folder points to outside the root', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'dma-outside-'));
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'dma-root-')));
    try {
      writeFileSync(path.join(outside, 'secret.sql'), 'DROP TABLE everything;');
      mkdirSync(path.join(root, 'migrations'));
      writeFileSync(path.join(root, 'migrations', '001_a.sql'), 'CREATE TABLE a (id int);');
      symlinkSync(path.join(outside, 'secret.sql'), path.join(root, 'migrations', '002_b.sql'));
      symlinkSync(outside, path.join(root, 'migrations', 'more'));
      const inputs = await loadSqlInputs(root, ['migrations']);
      expect(inputs.map((input) => input.file)).toEqual(['migrations/001_a.sql']);
      await expect(loadSqlInputs(root, ['migrations/002_b.sql'])).rejects.toMatchObject({ code: 'outside-root' });
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('translates globs', () => {
    expect(globToRegExp('db/**/*.sql').test('db/a/b/c.sql')).toBe(true);
    expect(globToRegExp('db/**/*.sql').test('db/c.sql')).toBe(true);
    expect(globToRegExp('db/*.sql').test('db/a/c.sql')).toBe(false);
    expect(globToRegExp('m/{001,002}_*.sql').test('m/002_x.sql')).toBe(true);
    expect(globToRegExp('m/00[12].sql').test('m/003.sql')).toBe(false);
  });
});
