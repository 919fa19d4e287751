import { ruleCases } from './run.js';

ruleCases('prefer-robust-statements', {
  bad: [
    {
      sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      severity: 'info',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
        },
      ],
    },
    { sql: 'CREATE TABLE notes (id bigint);', fix: [/^CREATE TABLE IF NOT EXISTS notes \(id bigint\);$/] },
    {
      sql: 'DROP INDEX CONCURRENTLY orders_status_idx;',
      fix: [/^DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;$/],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;',
      fix: [/^ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;$/],
    },
    { sql: 'ALTER TABLE users DROP legacy;', fix: [/^ALTER TABLE users DROP COLUMN IF EXISTS legacy;$/] },
    { sql: 'ALTER TABLE users DROP CONSTRAINT users_x_check;', fix: [/DROP CONSTRAINT IF EXISTS users_x_check;/] },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);' },
    { sql: 'BEGIN;\nCREATE TABLE notes (id bigint);\nCOMMIT;' },
    { sql: 'CREATE TABLE notes (id bigint);', options: { assumeInTransaction: true } },
    { sql: 'DROP TABLE IF EXISTS notes;' },
    { sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;' },
    { sql: "ALTER TABLE users ALTER COLUMN nickname SET DEFAULT 'x';" },
  ],
});
