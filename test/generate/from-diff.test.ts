import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateMigration } from '../../src/generate/generate.js';
import { applyDown, applyUp, makeProject, openTarget, removeProject } from './helpers.js';

/**
 * generate_migration from a schema diff (the sources diff_schema takes): the project's migrations → the schema
 * file. Drops wait for confirmation, an answered rename keeps the data, and the written files apply and roll back.
 */

const MIGRATION = 'CREATE TABLE users (\n  id integer PRIMARY KEY,\n  name text NOT NULL,\n  legacy text\n);\n';
const SCHEMA = `CREATE TABLE users (
  id integer PRIMARY KEY,
  full_name text NOT NULL,
  email text
);
CREATE INDEX users_email_idx ON users (email);
CREATE TABLE teams (id integer PRIMARY KEY, title text);
`;

describe('generate from a schema diff', { timeout: 120_000 }, () => {
  let root = '';
  afterEach(() => removeProject(root));

  function project(): string {
    root = makeProject({
      'migrations/001_create_users.sql': MIGRATION,
      'migrations/down/001_create_users.sql': 'DROP TABLE users;\n',
      'schema.sql': SCHEMA,
    });
    return root;
  }

  it('withholds what the diff would drop and writes the rest', async () => {
    const result = await generateMigration({
      root: project(),
      engine: 'sqlite',
      from: 'migrations',
      to: 'sql:schema.sql',
      renames: [{ table: 'users', from: 'name', to: 'full_name' }],
    });
    expect(result.withheld.map((item) => item.migration)).toEqual(['drop_legacy_from_users']);
    expect(result.risk).toBe('HIGH');
    expect(result.written).toBe(true);
    const up = readFileSync(path.join(root, result.files[0]?.path ?? ''), 'utf8');
    expect(up).toContain('RENAME COLUMN "name" TO "full_name"');
    expect(up).toContain('CREATE TABLE teams');
    expect(up).not.toMatch(/legacy/);
  });

  it('with confirmation writes the whole change; applied on a database with rows, rolled back, nothing else lost', async () => {
    const result = await generateMigration({
      root: project(),
      engine: 'sqlite',
      from: 'migrations',
      to: 'sql:schema.sql',
      renames: [{ table: 'users', from: 'name', to: 'full_name' }],
      confirmDestructive: true,
    });
    expect(result.withheld).toEqual([]);
    expect(result.rehearsal.map((item) => item.outcome)).toEqual(['passed']);
    expect(result.written).toBe(true);
    const db = await openTarget('sqlite');
    if (!db) return;
    try {
      await applyUp(db, root, 'migrations', 'sqlite', 0, 1);
      await db.exec("INSERT INTO users (id, name, legacy) VALUES (1, 'ada', 'x'), (2, 'bob', NULL)");
      await applyUp(db, root, 'migrations', 'sqlite', 1);
      expect(await db.query('SELECT id, full_name, email FROM users ORDER BY id')).toEqual([
        { id: 1, full_name: 'ada', email: null },
        { id: 2, full_name: 'bob', email: null },
      ]);
      await applyDown(db, root, 'migrations', 'sqlite', 1);
      expect(await db.query('SELECT id, name FROM users ORDER BY id')).toEqual([
        { id: 1, name: 'ada' },
        { id: 2, name: 'bob' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('on PostgreSQL builds the new index of an existing table concurrently, in a migration of its own', {
    timeout: 300_000,
  }, async () => {
    const result = await generateMigration({
      root: project(),
      from: 'migrations',
      to: 'sql:schema.sql',
      renames: [{ table: 'users', from: 'name', to: 'full_name' }],
      dryRun: true,
    });
    expect(result.engine).toBe('postgresql');
    expect(result.drafts.map((draft) => [draft.name, draft.transactional])).toEqual([
      ['rename_users_name_and_add_teams_table_and_more', true],
      ['add_users_email_idx', false],
    ]);
    expect(result.drafts[0]?.up[0]).toBe("SET LOCAL lock_timeout = '5000ms'");
    expect(result.drafts[1]?.up).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON public.users USING btree (email)',
    ]);
    expect(result.drafts[1]?.down).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS users_email_idx']);
    expect(result.rehearsal.map((item) => item.outcome)).toEqual(['passed', 'passed']);
    expect(result.withheld.map((item) => item.migration)).toEqual(['drop_legacy_from_users']);
  });
});
