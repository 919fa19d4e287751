import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * `check` on a multi-dialect folder (pop/popx: one file per dialect, side by side) reads one dialect's files. The
 * others are the same migrations for another engine: set aside and said so, never taken for stray SQL and checked
 * as PostgreSQL (on ory/kratos that was 1,700 MySQL, SQLite and CockroachDB files and 460 syntax errors).
 */
const ROOT = path.join(import.meta.dirname, '../fixtures/sources-multi-dialect');

interface Result {
  files: Array<{ file: string; engine: string }>;
  errors: Array<{ code: string }>;
  notes: string[];
}

async function checked(args: string[]): Promise<Result> {
  const { out } = await runCli(['check', 'migrations', '--format', 'json', ...args], { cwd: ROOT });
  return JSON.parse(out) as Result;
}

describe('check on a multi-dialect folder', () => {
  it("reads the chosen dialect's files and the dialect-less ones, and sets the others aside with a note", async () => {
    const result = await checked([]);
    expect(result.files.map((file) => [file.file, file.engine])).toEqual([
      ['migrations/20240101000000_users.postgres.up.sql', 'postgresql'],
      ['migrations/20240102000000_users_email.postgres.autocommit.up.sql', 'postgresql'],
      ['migrations/20240103000000_admin.up.sql', 'postgresql'],
    ]);
    expect(result.errors).toEqual([]);
    expect(result.notes.join('\n')).toMatch(/not read, other dialects: mysql 3, sqlite3 1 files/);
    expect(result.notes.join('\n')).not.toMatch(/checked as plain SQL/);
  });

  it('reads the MySQL files when the engine is MySQL', async () => {
    const result = await checked(['--engine', 'mysql']);
    expect(result.files.map((file) => [file.file, file.engine])).toEqual([
      ['migrations/20240101000000_users.mysql.up.sql', 'mysql'],
      ['migrations/20240102000000_users_email.mysql.up.sql', 'mysql'],
      ['migrations/20240103000000_admin.up.sql', 'mysql'],
    ]);
  });
});
