import { ruleCases } from './run.js';

ruleCases('require-lock-timeout', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;',
      fix: [/^SET lock_timeout = '5s';$/, /^ALTER TABLE users ADD COLUMN nickname text;$/],
    },
    { sql: 'CREATE INDEX users_name_idx ON users (name);' },
    { sql: 'CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));', count: 1 },
    { sql: 'DROP TABLE old_things;\nTRUNCATE sessions;', count: 2 },
    { sql: "SET statement_timeout = '1min';\nALTER TABLE users RENAME COLUMN a TO b;" },
  ],
  good: [
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;" },
    { sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;" },
    { sql: 'CREATE TABLE t (id bigint);\nCREATE INDEX t_id_idx ON t (id);\nALTER TABLE t ADD COLUMN x int;' },
    { sql: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);' },
    { sql: 'SELECT 1;\nINSERT INTO users (id) VALUES (1);' },
  ],
});
