import { describe, expect, it } from 'vitest';
import { findingsOf, ruleCases } from './run.js';

ruleCases('require-statement-timeout', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;',
      severity: 'info',
      fix: [/^SET statement_timeout = '15min';$/],
    },
    { sql: "SET lock_timeout = '5s';\nCREATE INDEX users_name_idx ON users (name);" },
    { sql: 'VACUUM FULL users;' },
    // A scan or a rewrite runs as long as the table is big, lock_timeout or not.
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;" },
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;" },
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);" },
  ],
  good: [
    { sql: "SET statement_timeout = '15min';\nALTER TABLE users ADD COLUMN nickname text;" },
    { sql: 'CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN x int;' },
    { sql: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);' },
    // lock_timeout bounds the wait, and the statements then hold their locks for an instant (metadata only).
    {
      sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;\nALTER TABLE users RENAME COLUMN a TO b;\nDROP INDEX users_old_idx;",
    },
  ],
});

describe('require-statement-timeout tables', () => {
  it('names the referenced table a dropped foreign key holds ACCESS EXCLUSIVE (cal.com 20211231142312)', async () => {
    const history = [
      { sql: 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE webhooks (user_id int REFERENCES users (id));' },
    ];
    const sql = 'ALTER TABLE webhooks DROP CONSTRAINT webhooks_user_id_fkey;';
    const [finding, ...rest] = await findingsOf('require-statement-timeout', sql, { catalog: { history } });
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('this statement (line 1): if it runs long, its lock on webhooks or users');
  });
});
