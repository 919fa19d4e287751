import { ruleCases } from './run.js';

ruleCases('prefer-timestamptz', {
  bad: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN shipped_at timestamp;',
      fix: [/^ALTER TABLE orders ADD COLUMN shipped_at timestamptz;$/],
    },
    {
      sql: 'CREATE TABLE t (a timestamp without time zone NOT NULL, b timestamp(3));',
      fix: [/^CREATE TABLE t \(a timestamptz NOT NULL, b timestamptz\(3\)\);$/],
    },
    { sql: 'ALTER TABLE t ALTER COLUMN a TYPE timestamp;', fix: [/ALTER COLUMN a TYPE timestamptz;/] },
  ],
  good: [
    { sql: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz;' },
    { sql: 'CREATE TABLE t (a timestamp with time zone, d date, t time);' },
    { sql: 'SELECT now()::timestamp;' },
  ],
});
