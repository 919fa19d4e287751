import { describe, expect, it } from 'vitest';
import { findingsOf, ruleCases } from './run.js';

ruleCases('statement-after-access-exclusive', {
  bad: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;',
      fix: [/^COMMIT;$/, { sql: /^BEGIN;\nUPDATE users SET nickname = name;\nCOMMIT;$/, separateMigration: true }],
    },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_x_idx ON orders (x);\nCOMMIT;' },
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO archive SELECT * FROM orders;\nCOMMIT;' },
    {
      sql: 'ALTER TABLE users RENAME COLUMN a TO b;\nSELECT count(*) FROM orders;',
      options: { assumeInTransaction: true },
    },
    // A write that is not pinned to a key is a backfill.
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE orders SET a = 1 WHERE status = 3;\nCOMMIT;' },
    // The table of an index the schema does not know is held too; the index names it.
    {
      sql: 'BEGIN;\nDROP INDEX users_a_idx;\nALTER TABLE orders ALTER COLUMN x TYPE bigint;\nCOMMIT;',
      message: /^the table of index users_a_idx is locked ACCESS EXCLUSIVE by an earlier statement/,
    },
  ],
  good: [
    { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nUPDATE users SET nickname = name;' },
    { sql: 'ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;' },
    { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSET LOCAL statement_timeout = '1s';\nCOMMIT;" },
    { sql: 'BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\nINSERT INTO t VALUES (1, 2);\nCOMMIT;' },
    // A foreign key or index on a table the migration just created checks no row (Prisma adds them after the tables).
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE posts ADD CONSTRAINT posts_user_fkey FOREIGN KEY (user_id) REFERENCES users (id);\nCREATE UNIQUE INDEX posts_user_key ON posts (user_id);\nCOMMIT;',
    },
    // Quick statements after the lock: instant renames, index drops, metadata-only changes, single-row writes.
    {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders RENAME COLUMN a TO b;\nDROP INDEX orders_x_idx;\nCOMMENT ON TABLE orders IS 'x';\nINSERT INTO audit (what) VALUES ('added nickname');\nCOMMIT;",
    },
    // Catalog reads (knex's hasTable / hasColumn) take milliseconds whatever the held table's size.
    {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSELECT * FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname';\nSELECT count(*) FROM pg_class;\nCOMMIT;",
    },
    // Writes pinned to a key find their few rows by index: not a backfill.
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name WHERE id = 4;\nDELETE FROM orders WHERE id IN (1, 2) AND status = 3;\nCOMMIT;',
    },
    {
      sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE accounts SET plan = 'pro' WHERE code = 'acme';\nCOMMIT;",
      options: {
        catalog: { history: [{ sql: 'CREATE TABLE accounts (code text PRIMARY KEY, plan text);' }] },
      },
    },
  ],
});

describe('statement-after-access-exclusive: the extra time', () => {
  const sql = [
    'BEGIN;',
    'ALTER TABLE users ADD COLUMN nickname text;',
    'UPDATE users SET nickname = name;',
    'CREATE INDEX orders_x_idx ON orders (x);',
    'ALTER TABLE orders ALTER COLUMN x TYPE bigint;',
    'COMMIT;',
  ].join('\n');

  it('estimates how much longer the table stays locked from the row counts known', async () => {
    const found = await findingsOf('statement-after-access-exclusive', sql, {
      rowCounts: { users: 2_000_000, orders: 3_000_000 },
    });
    expect(found.map((finding) => finding.statementIndex)).toEqual([2, 3, 4]);
    expect(found[0]?.message).toContain(
      'about 20 s more (estimate for a write to every matching row of users at 2,000,000 rows)',
    );
    expect(found[1]?.message).toContain('about 6 s more (estimate for an index build on orders at 3,000,000 rows)');
    expect(found[2]?.message).toContain('about 15 s more (estimate for a rewrite of orders at 3,000,000 rows)');
  });

  it('says the size is unknown instead of guessing', async () => {
    const found = await findingsOf('statement-after-access-exclusive', sql);
    expect(found[1]?.message).toContain('as long as an index build on orders takes (row count unknown)');
  });

  it('names the tables held, not the index a DROP INDEX removed', async () => {
    const history = [{ sql: 'CREATE TABLE users (id bigint, a int, b int);\nCREATE INDEX users_a_idx ON users (a);' }];
    const found = await findingsOf(
      'statement-after-access-exclusive',
      'BEGIN;\nDROP INDEX users_a_idx;\nUPDATE users SET b = 1;\nCOMMIT;',
      { catalog: { history } },
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/^public\.users is locked ACCESS EXCLUSIVE|^users is locked ACCESS EXCLUSIVE/);
  });

  it('leaves a plain CREATE INDEX on the one held table to require-concurrent-index-creation (one finding)', async () => {
    const history = [{ sql: 'CREATE TABLE users (id bigint, a int, b int);\nCREATE TABLE teams (id bigint);' }];
    const sql = 'BEGIN;\nALTER TABLE users ADD COLUMN c int;\nCREATE INDEX users_b_idx ON users (b);\nCOMMIT;';
    const options = { catalog: { history } };
    expect(await findingsOf('statement-after-access-exclusive', sql, options)).toEqual([]);
    const build = await findingsOf('require-concurrent-index-creation', sql, options);
    expect(build.map((finding) => finding.message)).toEqual([
      expect.stringMatching(/holds it ACCESS EXCLUSIVE: reads and writes wait until the index is built\.$/),
    ]);
    // Another table held meanwhile is still reported here.
    const other = 'BEGIN;\nALTER TABLE teams ADD COLUMN c int;\nCREATE INDEX users_b_idx ON users (b);\nCOMMIT;';
    expect(await findingsOf('statement-after-access-exclusive', other, options)).toHaveLength(1);
  });

  it("does not name the sequence a dropped table's serial column owned", async () => {
    const history = [{ sql: 'CREATE TABLE jobs (id serial PRIMARY KEY);\nCREATE TABLE users (id bigint, a int);' }];
    const found = await findingsOf(
      'statement-after-access-exclusive',
      'BEGIN;\nDROP TABLE jobs;\nUPDATE users SET a = 1;\nCOMMIT;',
      { catalog: { history } },
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/^jobs is locked ACCESS EXCLUSIVE/);
    expect(found[0]?.message).not.toContain('jobs_id_seq');
  });

  it('still fires on a write pinned to a column that is not the key', async () => {
    const keyed =
      'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE accounts SET plan = 1 WHERE id = 9;\nCOMMIT;';
    const history = [{ sql: 'CREATE TABLE accounts (code text PRIMARY KEY, id int, plan int);' }];
    // accounts' key is code: id = 9 may match any number of rows.
    expect(await findingsOf('statement-after-access-exclusive', keyed, { catalog: { history } })).toHaveLength(1);
  });
});
