import { ruleCases } from './run.js';

const HISTORY = `CREATE TABLE orders (id bigint PRIMARY KEY, code text CONSTRAINT orders_code_key UNIQUE, status text);
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE users (id bigint PRIMARY KEY, code text CONSTRAINT users_code_key UNIQUE);`;

ruleCases('require-concurrent-index-deletion', {
  bad: [
    {
      sql: 'DROP INDEX orders_status_idx;',
      fix: [{ sql: /^DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;$/, outsideTransaction: true }],
    },
    {
      sql: 'DROP INDEX IF EXISTS app.orders_status_idx;',
      fix: [/DROP INDEX CONCURRENTLY IF EXISTS app\.orders_status_idx;/],
    },
    { sql: 'DROP INDEX a_idx, b_idx;', count: 2, fix: [/a_idx/, /b_idx/] },
    { sql: 'CREATE TABLE t (a int);\nDROP INDEX old_idx;', count: 1 },
    // The earlier ACCESS EXCLUSIVE is on another table: this drop still waits for its own.
    {
      sql: 'BEGIN;\nALTER TABLE users DROP CONSTRAINT users_code_key;\nDROP INDEX orders_status_idx;\nCOMMIT;',
      options: { catalog: { history: [{ sql: HISTORY }] } },
      count: 1,
    },
  ],
  good: [
    // supabase/auth 20250903112500: the ALTER TABLE before it holds oauth_clients ACCESS EXCLUSIVE (pg_locks).
    {
      sql: 'BEGIN;\nALTER TABLE orders DROP CONSTRAINT orders_code_key;\nDROP INDEX orders_status_idx;\nCOMMIT;',
      options: { catalog: { history: [{ sql: HISTORY }] } },
    },
    { sql: 'DROP INDEX CONCURRENTLY orders_status_idx;' },
    { sql: 'DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;' },
    { sql: 'CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\nDROP INDEX t_a_idx;' },
    { sql: 'DROP TABLE IF EXISTS t;' },
    // supabase/storage: IF EXISTS of an index no migration created drops nothing and locks nothing.
    {
      sql: 'DROP INDEX IF EXISTS no_such_idx;',
      options: { catalog: { history: [{ sql: 'CREATE TABLE items (id bigint PRIMARY KEY, name text);' }] } },
    },
  ],
});
